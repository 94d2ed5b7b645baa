"""Turning the walk's body slots into the text staff read and the HTML kept beside it."""

from __future__ import annotations

from dataclasses import dataclass

from ..html_text import html_to_text
from ..quoting import strip_quoted
from .limits import MAX_HTML_CHARS, MAX_TEXT_CHARS, NO_TEXT
from .mime_tree import Slot, TreeWalker
from .result import Notes


@dataclass(frozen=True)
class Body:
    """The message's text (``NO_TEXT`` when it has none), its new part, and any HTML."""

    text: str
    new_text: str
    html: str | None
    has_text: bool


def assemble_body(walker: TreeWalker, notes: Notes) -> Body:
    """Plain text per slot (HTML converted where a slot has no plain text), joined and bounded.

    Falls back to inline text files when no slot has any text at all.
    """
    texts: list[str] = []
    html_parts: list[str] = []
    for slot in walker.slots:
        plain, html = _slot_text(slot)
        if html:
            html_parts.append(html)
        if plain:
            texts.append(plain)
    if not any(t.strip() for t in texts):
        texts = [t for t in walker.inline_texts if t.strip()]
    text = "\n\n".join(texts).strip()
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.add("body text was too long and has been truncated")
    html_body = "\n".join(html_parts)[:MAX_HTML_CHARS] if html_parts else None
    if not text:
        return Body(NO_TEXT, NO_TEXT, html_body, has_text=False)
    return Body(text, strip_quoted(text), html_body, has_text=True)


def _slot_text(slot: Slot) -> tuple[str, str]:
    """(readable text, HTML) of one slot; the text is empty when there is none."""
    plain = "\n\n".join(t.strip("\n") for t in slot.plain if t.strip())
    html = "\n".join(h for h in slot.html if h.strip())
    if plain.strip():
        return plain, html
    if html:
        converted = html_to_text(html)
        if converted.strip():
            return converted, html
    return "", html
