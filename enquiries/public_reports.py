"""What a resident may see of other people's reports nearby: a masked snippet and a clean photo.

Only for cases whose resident ticked the consent box on the web journey (Case.shared_publicly),
and only while the case is open and not merged. Staff can withdraw publication when the text or
photo names someone. Photos are found by a signed token (never the attachment's pk alone), and
are re-encoded without any metadata (EXIF GPS) and downscaled, so what leaves is a new picture.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.core import signing
from django.db import transaction

from enquiries.case_events import record_event
from enquiries.choices import OPEN_STATUSES, EventKind
from enquiries.models import Attachment, Case

SNIPPET_LENGTH = 120
THUMBNAIL_SIZE = 320
THUMBNAIL_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
TOKEN_SALT = "enquiries.public_reports.thumbnail"  # noqa: S105 - a namespace, not a secret
# Decoding a hostile image can take memory: refuse anything bigger than ~40 megapixels.
MAX_PIXELS = 40_000_000

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# UK numbers: +44 / 0044 / 0 then 9-10 digits, with spaces, dashes, dots or brackets between.
UK_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)(?:[\s().-]{0,2}\d){9,10}(?!\d)"
)


def mask_personal(text: str) -> str:
    """Mask email addresses and UK phone numbers, the contact details residents most often type."""
    text = EMAIL.sub("[email removed]", text)
    return UK_PHONE.sub("[phone number removed]", text)


def snippet(text: str, length: int = SNIPPET_LENGTH) -> str:
    """The start of a description, masked, on one line, cut at a word near `length` characters."""
    line = " ".join(mask_personal(text).split())
    if len(line) <= length:
        return line
    cut = line[:length].rsplit(" ", 1)[0] if " " in line[:length] else line[:length]
    return cut.rstrip(" ,.;:") + "…"


def is_public(case: Case) -> bool:
    return case.shared_publicly and case.status in OPEN_STATUSES and case.merged_into_id is None


def public_description(case: Case) -> str:
    """The snippet other residents may read, or "" without consent."""
    return snippet(case.description) if is_public(case) else ""


def public_photos(cases: list[Case]) -> dict[int, str]:
    """Case id -> signed thumbnail token of its first photo, for consenting open cases only."""
    shown = [c.pk for c in cases if is_public(c)]
    if not shown:
        return {}
    rows = (
        Attachment.objects.filter(
            contact__case_id__in=shown,
            content_type__in=list(THUMBNAIL_TYPES),
            skipped_reason="",
        )
        .exclude(file="")
        .order_by("created_at", "id")
        .values_list("contact__case_id", "id")
    )
    found: dict[int, str] = {}
    for case_id, attachment_id in rows:
        if case_id not in found:
            found[case_id] = thumbnail_token(attachment_id)
    return found


def thumbnail_token(attachment_id: int) -> str:
    return signing.dumps(attachment_id, salt=TOKEN_SALT, compress=True)


def public_photo(token: str) -> Attachment | None:
    """The attachment a token names, only while its case may still be shown; else None."""
    try:
        attachment_id = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    attachment = (
        Attachment.objects.select_related("contact__case")
        .filter(pk=attachment_id, content_type__in=list(THUMBNAIL_TYPES), skipped_reason="")
        .exclude(file="")
        .first()
    )
    if attachment is None or not is_public(attachment.contact.case):
        return None
    return attachment


def thumbnail_bytes(attachment: Attachment) -> tuple[bytes, str]:
    """A new, smaller image with no metadata at all (EXIF, GPS, XMP, comments), and its type."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with attachment.file.open("rb") as handle, Image.open(handle) as opened:
        image = ImageOps.exif_transpose(opened)  # keep it upright once orientation is dropped
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        fmt = THUMBNAIL_TYPES[attachment.content_type]
        wanted = "RGB" if fmt == "JPEG" or image.mode in ("RGB", "L", "CMYK", "YCbCr") else "RGBA"
        image = image.convert(wanted)
        # Pixels only: a new image carries no info, EXIF, XMP or ICC from the upload.
        clean = Image.frombytes(image.mode, image.size, image.tobytes())
        out = io.BytesIO()
        clean.save(out, format=fmt)
    return out.getvalue(), attachment.content_type


def withdraw_publication(*, case: Case, by: Any) -> bool:
    """Stop showing a report's description and photos to other residents (it names someone).

    Returns False when nothing was shown. Logged on the timeline for staff only.
    """
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, shared_publicly=True).update(
            shared_publicly=False
        )
        case.shared_publicly = False
        if not updated:
            return False
        record_event(
            case=case,
            kind=EventKind.NOTE,
            message="Description and photos no longer shown to residents reporting nearby.",
            by=by,
            data={"publication": "withdrawn"},
        )
    return True
