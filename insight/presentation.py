"""Cells as people read them, with suppression: one formatter for pages, CSV and JSON."""

from __future__ import annotations

from typing import Any

from insight.figures import Column, Table
from insight.suppression import FEWER, MINIMUM, is_small


def cell(column: Column, value: Any, *, suppress: bool) -> tuple[str, float | None]:
    """(text shown, number charted or None). Suppressed cells chart as gaps."""
    if column.kind == "text":
        return ("" if value is None else str(value)), None
    if column.kind == "count":
        value = value or 0
        if suppress and is_small(value):
            return FEWER, None
        return f"{value:,}", float(value)
    if column.kind in ("rate", "per100", "mean"):
        num, den = value
        if not den:
            return "No cases", None
        if suppress and den < MINIMUM:
            return FEWER, None
        if column.kind == "mean":
            figure = num / den
            return f"{figure:.1f}", round(figure, 2)
        figure = 100 * num / den
        return (f"{figure:.1f}%" if column.kind == "rate" else f"{figure:.1f}"), round(figure, 2)
    if column.kind == "days":
        figure, base = value
        if not base:
            return "No cases resolved", None
        if suppress and base < MINIMUM:
            return FEWER, None
        return str(figure), float(figure) if isinstance(figure, int) else None
    raise ValueError(column.kind)


def present(table: Table, *, suppress: bool) -> list[list[tuple[str, float | None]]]:
    return [
        [cell(c, row.get(c.key), suppress=suppress) for c in table.columns] for row in table.rows
    ]


def as_json(table: Table) -> dict:
    """A table for the BI tool: numbers as numbers, suppressed cells as "fewer than 5"."""
    rows = []
    for row in table.rows:
        out: dict[str, Any] = {}
        for column in table.columns:
            text, number = cell(column, row.get(column.key), suppress=True)
            if column.kind == "text" or number is None:
                out[column.key] = text
            elif column.kind == "count":
                out[column.key] = int(number)
            else:
                out[column.key] = number
        rows.append(out)
    return {
        "id": table.id,
        "title": table.title,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        "rows": rows,
        "note": table.note,
    }
