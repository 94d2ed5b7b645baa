"""Small-number suppression and formula-safe cells: the rules every export and analyst view obey.

A count from 1 to 4 could identify a resident in a small place, so it is shown as "fewer than 5";
zero is shown (it identifies no one). A rate or a time whose base is under 5 is suppressed too,
or the count behind it could be worked back.
"""

from __future__ import annotations

MINIMUM = 5
FEWER = "fewer than 5"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < MINIMUM


def count_cell(count: int, *, suppress: bool) -> str | int:
    return FEWER if suppress and is_small(count) else count


def safe_csv_cell(value: object) -> str:
    """A spreadsheet runs a cell starting with = + - @ as a formula: prefix it with a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
