"""Case references residents can read aloud and type: random, short, with a check character.

Alphabet: 30 symbols without 0/O, 1/I/L or U, so nothing is ambiguous on the phone or in
handwriting. Eight random symbols give 30**8 (about 6.6 × 10**11) references, so they cannot be
guessed or enumerated; the ninth is a check character chosen so that the position-weighted sum
(weights 1..9) of all nine symbols is 0 modulo the prime 31. Because 31 is prime and larger than
any difference between two symbols, every single mistyped symbol and every swap of two
neighbours changes the sum, so is detected (Luhn mod N misses some swaps). Payloads whose check
value would be 30 (no symbol) are drawn again. Shown as "ABC-DEF-GHJ".
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = len(ALPHABET)
RANDOM_LENGTH = 8
_INDEX = {symbol: i for i, symbol in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-_.]")


class InvalidReference(ValueError):
    """Raised with a message a resident or officer can act on."""


MODULUS = 31
_INVERSE_OF_LAST_WEIGHT = pow(RANDOM_LENGTH + 1, -1, MODULUS)


def _check_value(payload: str) -> int:
    total = sum((i + 1) * _INDEX[symbol] for i, symbol in enumerate(payload))
    return (-total * _INVERSE_OF_LAST_WEIGHT) % MODULUS


def check_character(payload: str) -> str | None:
    """The check symbol for eight payload symbols, or None when the payload has no valid one."""
    value = _check_value(payload)
    return ALPHABET[value] if value < BASE else None


def format_reference(compact: str) -> str:
    return f"{compact[0:3]}-{compact[3:6]}-{compact[6:9]}"


def generate_reference() -> str:
    while True:
        payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        check = check_character(payload)
        if check is not None:
            return format_reference(payload + check)


def normalise_reference(text: str) -> str:
    """Return the canonical form of a typed reference, or raise InvalidReference saying why."""
    compact = _SEPARATORS.sub("", text or "").upper()
    if not compact:
        raise InvalidReference("Enter your case reference, for example 7KQ-M4X-R9P.")
    if len(compact) != RANDOM_LENGTH + 1:
        raise InvalidReference(
            "A case reference has 9 letters and numbers, for example 7KQ-M4X-R9P."
        )
    bad = sorted({ch for ch in compact if ch not in _INDEX})
    if bad:
        raise InvalidReference(
            "A case reference does not use " + ", ".join(bad) + ". Check it and try again."
        )
    if check_character(compact[:-1]) != compact[-1]:
        raise InvalidReference("That case reference is not valid. Check it for typing mistakes.")
    return format_reference(compact)


def is_valid_reference(text: str) -> bool:
    try:
        normalise_reference(text)
    except InvalidReference:
        return False
    return True


REFERENCE_PATTERN = re.compile(
    r"\b([" + ALPHABET + r"]{3})[-\s]?([" + ALPHABET + r"]{3})[-\s]?([" + ALPHABET + r"]{3})\b"
)


def find_references(text: str) -> list[str]:
    """Valid references mentioned in free text (e.g. an email subject), in order, no repeats."""
    found: list[str] = []
    for match in REFERENCE_PATTERN.finditer((text or "").upper()):
        compact = "".join(match.groups())
        if check_character(compact[:-1]) == compact[-1]:
            ref = format_reference(compact)
            if ref not in found:
                found.append(ref)
    return found
