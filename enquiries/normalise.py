"""Normalising what people type: postcodes, phone numbers, email addresses.

Each function returns the canonical form or raises ValidationError with a message a resident can
act on, so every channel stores the same shape of data.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# The UK format (BS 7666 simplified), including GIR 0AA; outward code 2-4, inward code 3.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|"
    r"[A-PR-UWYZ](?:[0-9][0-9A-HJKMNPR-Y]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        return ""
    if not _POSTCODE.match(compact):
        raise ValidationError("Enter a real UK postcode, like PR1 8XJ.", code="invalid_postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_district(postcode: str) -> str:
    """The outward code (e.g. PR1) used for place analytics: never the full postcode."""
    return postcode.split(" ")[0] if postcode else ""


def normalise_phone(value: str) -> str:
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192.",
            code="invalid_phone",
        ) from exc
    # UK numbers only need the right shape: Ofcom's newer and reserved ranges (07700 900xxx) are
    # real-world inputs that phonenumbers' metadata may not list as valid yet.
    plausible = (
        number.country_code == 44
        and len(str(number.national_number)) in (9, 10)
        and phonenumbers.is_possible_number(number)
    )
    if not (plausible or phonenumbers.is_valid_number(number)):
        raise ValidationError(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192.",
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Text messages only go to numbers that can receive them."""
    if not e164:
        return False
    number = phonenumbers.parse(e164, "GB")
    national = str(number.national_number)
    if (
        number.country_code == 44
        and len(national) == 10
        and national[:2] in {"71", "72", "73", "74", "75", "77", "78", "79"}
    ):
        return True  # UK mobile ranges, including Ofcom's reserved 07700 900xxx
    return phonenumbers.number_type(number) in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }


def format_phone_for_display(e164: str) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "GB")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def normalise_email(value: str) -> str:
    """Lower-case the domain (it is case-insensitive); keep the local part as typed."""
    raw = (value or "").strip()
    if not raw:
        return ""
    if "@" not in raw:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com",
            code="invalid_email",
        )
    local, _, domain = raw.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com",
            code="invalid_email",
        ) from exc
    address = f"{local}@{domain}"
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com",
            code="invalid_email",
        ) from exc
    return address
