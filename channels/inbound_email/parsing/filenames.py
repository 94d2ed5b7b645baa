"""Attachment names that are safe to store, and content types guessed from a file's name."""

from __future__ import annotations

import re
import unicodedata

from ..charsets import fix_surrogates
from .limits import MAX_FILENAME_CHARS

_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$", re.IGNORECASE)
_UNSAFE_FILENAME_CHARS = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/rfc822-headers": ".txt",
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "application/zip": ".zip",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "audio/basic": ".au",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
}
_GUESSED_TYPES: dict[str, str] = {}
for _ctype, _ext in EXTENSIONS.items():
    _GUESSED_TYPES.setdefault(_ext, _ctype)


def guess_type(name: str) -> str:
    """The content type for a file named inside a body (uuencode, TNEF), which declares none."""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _GUESSED_TYPES.get(extension, "application/octet-stream")


def safe_filename(name: str | None, index: int, content_type: str = "") -> str:
    """Make an attachment name safe to store: no directories, control or bidi characters.

    Falls back to ``attachment-N`` plus an extension for the declared type (``.bin`` if
    unknown) when nothing usable is left.
    """
    text = fix_surrogates(name or "")
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc", "Cs"})
    text = text.replace("\\", "/").split("/")[-1]
    text = _UNSAFE_FILENAME_CHARS.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if text and _WINDOWS_RESERVED.match(text):
        text = f"_{text}"
    if len(text) > MAX_FILENAME_CHARS:
        text = _shorten(text)
    if not text or set(text) <= {".", "_", " "}:
        return f"attachment-{index}{EXTENSIONS.get(content_type, '.bin')}"
    return text


def _shorten(text: str) -> str:
    """Cut a long name to the limit, keeping a short extension."""
    stem, dot, ext = text.rpartition(".")
    if dot and 0 < len(ext) <= 10:
        return stem[: MAX_FILENAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
    return text[:MAX_FILENAME_CHARS].rstrip(" .")
