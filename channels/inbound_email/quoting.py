"""Separating what a resident just wrote from the history their mail client quoted.

Staff read a case as a conversation, so each reply should show only its new text. This is a
heuristic: when in doubt it keeps text, and it never returns less than nothing (a reply that is
all quote gives back the full text).
"""

from __future__ import annotations

import re

_ATTRIBUTION_START = re.compile(r"^\s*(?:on|le|am|el|op|il|em|ar|den|w dniu)\b", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"^\s*(?:on|le|am|el|op|il|em|ar|den|w dniu)\b.{0,400}?"
    r"(?:wrote|writes|a écrit|schrieb|escribió|schreef|ha scritto|escreveu|ysgrifennodd"
    r"|skrev|napisał\(a\)|napisał)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|messaggio originale|neges wreiddiol|oorspronkelijk bericht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORE_RULE = re.compile(r"^\s*_{10,}\s*$")
# What follows a forward marker is content the resident chose to send us, not reply history.
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|"
    r"mensaje reenviado|neges wedi'i hanfon ymlaen)\s*-*|begin forwarded message\s*:)\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(?:from|von|de|van|oddi wrth|od)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(?:sent|date|gesendet|datum|envoyé|enviado|verzonden|anfonwyd|wysłano)\s*:",
    re.IGNORECASE,
)
_HEADER_TO = re.compile(
    r"^\s*\*?(?:to|subject|an|betreff|à|objet|para|asunto|aan|onderwerp|at|pwnc|do|temat)\s*:",
    re.IGNORECASE,
)
_SIGNATURE_SEPARATOR = re.compile(r"^(?:--|-- |__)\s*$")
MAX_SCAN_LINES = 20_000


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_end(lines: list[str], index: int) -> int | None:
    """If an "On <date>, <name> wrote:" line (possibly wrapped) starts here, return its end."""
    if not _ATTRIBUTION_START.match(lines[index]):
        return None
    for span in (1, 2, 3):
        if index + span > len(lines):
            break
        joined = " ".join(line.strip() for line in lines[index : index + span])
        if len(joined) > 500:
            break
        if _ATTRIBUTION.match(joined):
            return index + span
    return None


def _outlook_block(lines: list[str], index: int) -> bool:
    """An Outlook-style "From: / Sent: / To: / Subject:" header block starts at ``index``."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    window = lines[index + 1 : index + 6]
    sent = next((i for i, line in enumerate(window) if _HEADER_SENT.match(line)), None)
    if sent is None:
        return False
    return any(_HEADER_TO.match(line) for line in window[sent + 1 : sent + 5])


def _find_cut(lines: list[str]) -> tuple[int, int, str] | None:
    """Find the first quote marker: (start line, first line after the marker, kind)."""
    for index in range(min(len(lines), MAX_SCAN_LINES)):
        line = lines[index]
        if not line.strip() or _is_quoted(line):
            continue
        if _FORWARD_MARKER.match(line):
            return None
        end = _attribution_end(lines, index)
        if end is not None:
            return index, end, "attribution"
        if _ORIGINAL_MESSAGE.match(line):
            return index, index + 1, "original"
        if _UNDERSCORE_RULE.match(line):
            following = [
                candidate for candidate in lines[index + 1 : index + 4] if candidate.strip()
            ]
            if following and _outlook_block(following + [""] * 6, 0):
                return index, index + 1, "outlook"
        if _outlook_block(lines, index):
            return index, index + 1, "outlook"
    return None


def _interleaved(lines: list[str]) -> bool:
    """True when the resident answered inline: unquoted text follows quoted text."""
    seen_quote = False
    for line in lines:
        if not line.strip():
            continue
        if _is_quoted(line):
            seen_quote = True
        elif _SIGNATURE_SEPARATOR.match(line):
            return False
        elif seen_quote:
            return True
    return False


def strip_quoted(text: str) -> str:
    """Return only the new part of a reply: quoted history and attribution lines removed."""
    if not text.strip():
        return text.strip()
    lines = text.split("\n")
    cut = _find_cut(lines)
    if cut is not None:
        start, end, kind = cut
        if kind == "attribution" and _interleaved(lines[end:]):
            lines = lines[:start] + lines[end:]
        else:
            lines = lines[:start]
    kept = [line.rstrip() for line in lines if not _is_quoted(line)]
    while kept and (not kept[-1].strip() or _SIGNATURE_SEPARATOR.match(kept[-1])):
        kept.pop()
    result = "\n".join(kept).strip("\n")
    result = re.sub(r"\n{3,}", "\n\n", result)
    return result if result.strip() else text.strip()
