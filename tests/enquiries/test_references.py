import re

import pytest

from enquiries.references import (
    ALPHABET,
    InvalidReference,
    check_character,
    find_references,
    generate_reference,
    normalise_reference,
)


def test_reference_is_three_groups_of_unambiguous_characters():
    reference = generate_reference()
    assert re.fullmatch(
        r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{3}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{3}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{3}",
        reference,
    )
    for confusable in "01ILOU":
        assert confusable not in ALPHABET


def test_references_are_random_not_sequential():
    references = {generate_reference() for _ in range(2000)}
    assert len(references) == 2000
    first_chars = {r[0] for r in references}
    assert len(first_chars) == len(ALPHABET)  # spread over the whole alphabet


def test_every_single_character_typo_is_detected():
    compact = generate_reference().replace("-", "")
    for position in range(len(compact)):
        for symbol in ALPHABET:
            if symbol == compact[position]:
                continue
            typo = compact[:position] + symbol + compact[position + 1 :]
            with pytest.raises(InvalidReference):
                normalise_reference(typo)


def test_every_swap_of_neighbours_is_detected():
    for _ in range(200):
        compact = generate_reference().replace("-", "")
        for position in range(len(compact) - 1):
            a, b = compact[position], compact[position + 1]
            if a == b:
                continue
            swapped = compact[:position] + b + a + compact[position + 2 :]
            with pytest.raises(InvalidReference):
                normalise_reference(swapped)


@pytest.mark.parametrize("typed", ["{r}", "{r_lower}", " {r_compact} ", "{r_spaced}"])
def test_normalise_accepts_how_people_type_it(typed):
    reference = generate_reference()
    text = typed.format(
        r=reference,
        r_lower=reference.lower(),
        r_compact=reference.replace("-", ""),
        r_spaced=reference.replace("-", " "),
    )
    assert normalise_reference(text) == reference


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your case reference"),
        ("ABC-DEF", "9 letters and numbers"),
        ("ABC-DEF-GH0", "does not use 0"),
    ],
)
def test_normalise_explains_what_is_wrong(typed, message):
    with pytest.raises(InvalidReference, match=message):
        normalise_reference(typed)


def test_find_references_in_an_email_subject():
    good = generate_reference()
    payload = good.replace("-", "")[:-1]
    wrong_check = ALPHABET[(ALPHABET.index(check_character(payload)) + 1) % len(ALPHABET)]
    assert check_character(payload) != wrong_check
    bad = payload + wrong_check
    subject = f"RE: Your enquiry [{good}] and also {bad[:3]}-{bad[3:6]}-{bad[6:]}"
    assert find_references(subject) == [good]
