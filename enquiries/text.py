"""Free text as it is stored: one normal form, and no control characters where they do harm.

Intake cleans every resident-supplied text once, here, so that search, comparison and display
see the same characters (a decomposed "é" equals a composed one), and so that a single-line field
(a name, a summary that becomes an email subject) can never carry a line break into a header.
Bidirectional controls are kept (staff must see what was sent) and neutralised on display by
the ``show_bidi`` template filter.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Characters that change the direction text is shown in: an unmatched U+202E can make
#: "txt.exe" read as "exe.txt" on a staff page.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)

_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")
_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def _drop_controls(value: str, keep: str = "") -> str:
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) != "Cc")


def clean_text(value: str) -> str:
    """Multi-line text: NFC, line breaks as "\\n", other control characters (NUL…) removed."""
    if not value:
        return value or ""
    value = _NEWLINES.sub("\n", unicodedata.normalize("NFC", value))
    return _drop_controls(value, keep="\n\t")


def clean_line(value: str) -> str:
    """A single-line field: NFC, each run of line breaks becomes one space, controls removed."""
    if not value:
        return value or ""
    value = _LINE_BREAKS.sub(" ", unicodedata.normalize("NFC", value))
    return _drop_controls(value.replace("\t", " "))


def clean_value(value: Any) -> Any:
    """Every string inside an answers structure (strings, lists, dicts), cleaned as text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {key: clean_value(item) for key, item in value.items()}
    return value


def bidi_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def show_controls(text: str) -> str:
    """Each direction control replaced by a visible marker such as "[U+202E]" (staff pages)."""
    if any(ch in BIDI_CONTROLS for ch in text):
        return "".join(f"[{bidi_name(ch)}]" if ch in BIDI_CONTROLS else ch for ch in text)
    return text
