"""Parse one raw inbound email into the facts the portal needs, without touching the database.

``parse_message`` never raises. Whatever arrives (spam, bounces, Outlook .msg files, MIME
bombs), the caller gets a :class:`ParsedEmail` that says what it is and, through
``quarantine_reason``, whether it can be used at all. The raw bytes are the caller's to keep.

Work is bounded: a cheap scan of the raw bytes refuses MIME bombs before the standard library
parser builds them, and the tree walk stops at :data:`MAX_DEPTH` levels and :data:`MAX_PARTS`
parts.

The steps, in the order :func:`parse_message` runs them (``parser.py``):

- ``prescan``: refuse what is not an email, or is too big or a MIME bomb, from the raw bytes;
- ``envelope``: Message-ID, In-Reply-To/References, Subject, Date;
- ``sender``: From (and why it may not be trusted), Return-Path, Reply-To, To, Cc;
- ``mime_tree``: one bounded walk of the parts, collecting body slots, files and report data
  (reading parts through ``mime_parts``; ``plain_text``, ``reports`` and ``recovery`` for the
  special cases; ``filenames`` for safe names);
- ``bodies``: the text staff read, its new (unquoted) part, and the HTML;
- ``classification``: message, auto-reply, bounce, delay, complaint or read receipt.

All bounds are in ``limits``; the result types are in ``result``.
"""

from __future__ import annotations

from ..bounces import BounceInfo
from .filenames import safe_filename
from .limits import (
    MAX_ATTACHMENTS,
    MAX_DEPTH,
    MAX_MESSAGE_BYTES,
    MAX_PARTS,
    MAX_SUBJECT_CHARS,
    NO_TEXT,
)
from .parser import parse_message
from .result import ParsedAttachment, ParsedEmail

__all__ = [
    "BounceInfo",
    "ParsedAttachment",
    "ParsedEmail",
    "parse_message",
    "safe_filename",
    "MAX_DEPTH",
    "MAX_PARTS",
    "MAX_ATTACHMENTS",
    "MAX_MESSAGE_BYTES",
    "MAX_SUBJECT_CHARS",
    "NO_TEXT",
]
