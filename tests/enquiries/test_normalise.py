import pytest
from django.core.exceptions import ValidationError

from enquiries.normalise import (
    normalise_email,
    normalise_phone,
    normalise_postcode,
    postcode_district,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("pr18xj", "PR1 8XJ"),
        (" PR1   8XJ ", "PR1 8XJ"),
        ("sw1a1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("la14yr", "LA1 4YR"),
        ("EC1A1BB", "EC1A 1BB"),
    ],
)
def test_postcodes_are_upper_case_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["PR1", "12345", "PR1 8X", "QQ1 1AA", "not a postcode"])
def test_invalid_postcodes_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError, match="like PR1 8XJ"):
        normalise_postcode(typed)


def test_postcode_district_is_the_outward_code():
    assert postcode_district("PR1 8XJ") == "PR1"
    assert postcode_district("SW1A 1AA") == "SW1A"
    assert postcode_district("") == ""


@pytest.mark.parametrize(
    "typed",
    ["07700 900982", "+44 7700 900982", "(07700) 900-982", "0044 7700 900982", "447700900982"],
)
def test_phone_numbers_become_e164(typed):
    assert normalise_phone(typed) == "+447700900982"


def test_landline_numbers_too():
    assert normalise_phone("01632 960 001") == "+441632960001"


@pytest.mark.parametrize("typed", ["123", "phone me", "0770", "+1 555"])
def test_invalid_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError, match="Enter a telephone number"):
        normalise_phone(typed)


def test_email_domain_is_lower_cased_and_local_part_kept():
    assert normalise_email(" Sian.OBrien@Example.COM ") == "Sian.OBrien@example.com"


@pytest.mark.parametrize("typed", ["no-at-sign", "a@", "@example.com", "a b@example.com"])
def test_invalid_email_is_refused(typed):
    with pytest.raises(ValidationError, match="correct format"):
        normalise_email(typed)


def test_blank_values_stay_blank():
    assert normalise_email("") == normalise_phone("") == normalise_postcode("") == ""
