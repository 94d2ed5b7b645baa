"""Checking files by their content, never by their name, before anything is stored."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "application/pdf": "pdf",
}
ALLOWED_DESCRIPTION = "a JPG, PNG, GIF, WEBP, HEIC or PDF"


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes
    declared_type: str = ""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def safe_filename(name: str, fallback: str = "file") -> str:
    """A name that is safe to show and store: no paths, no control characters, bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", name).strip(" .")
    return (name or fallback)[:200]


def check_file(incoming: IncomingFile) -> CheckedFile:
    """Raise ValidationError saying exactly why a file is refused."""
    name = safe_filename(incoming.name)
    size = len(incoming.content)
    limit = settings.ATTACHMENT_MAX_BYTES
    if size == 0:
        raise ValidationError(f"The selected file {name} is empty.", code="empty")
    if size > limit:
        raise ValidationError(
            f"The selected file {name} must be smaller than {limit // (1024 * 1024)}MB.",
            code="too_big",
        )
    kind = filetype.guess(incoming.content[:8192])
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            f"The selected file {name} must be {ALLOWED_DESCRIPTION}.", code="wrong_type"
        )
    return CheckedFile(
        name=name,
        content=incoming.content,
        content_type=mime,
        sha256=hashlib.sha256(incoming.content).hexdigest(),
    )
