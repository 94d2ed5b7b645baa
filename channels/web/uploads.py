"""Files a resident uploads during a journey, kept between pages until the enquiry is sent.

They sit in the default storage under tmp/web-uploads/<journey>/ with random names (never the
resident's file name), only after check_file has accepted their content, and the session holds
what we know about them. The journey's folder is removed once its enquiry is saved; folders of
abandoned journeys are purged hourly by beat (channels.web.tasks.purge_stale_uploads).

Anonymous uploads are limited (``allow``): per client address through the web rate limiter
(files and megabytes per window, WEB_RATE_LIMITS "upload" and "upload_mb"), and per journey in
its session (WEB_UPLOAD_JOURNEY_MAX_FILES / _MB over the journey's life, removed files included).
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

from channels.web import ratelimit
from enquiries.attachments import CheckedFile, IncomingFile

TMP_DIR = "tmp/web-uploads"
MB = 1024 * 1024


def limit_message() -> str:
    return (
        "You have added too many files in a short time. Wait an hour before adding more, or "
        f"continue without them. To send us more now, phone {settings.COUNCIL_PHONE}."
    )


def allow(
    request: HttpRequest,
    files: Sequence[UploadedFile[bytes]],
    journey_data: dict[str, Any] | None = None,
) -> bool:
    """Count these files against the limits; False (nothing to be kept) once one is passed."""
    if not files:
        return True
    count, size = len(files), sum(f.size or 0 for f in files)
    if journey_data is not None:
        used = journey_data.setdefault("uploaded", {"files": 0, "bytes": 0})
        if (
            used["files"] + count > settings.WEB_UPLOAD_JOURNEY_MAX_FILES
            or used["bytes"] + size > settings.WEB_UPLOAD_JOURNEY_MAX_MB * MB
        ):
            return False
        used["files"] += count
        used["bytes"] += size
    # The limiter counts one per call: one call per file, and one per started megabyte.
    units = [("upload", count), ("upload_mb", max(1, math.ceil(size / MB)))]
    return all(ratelimit.allow(request, scope) for scope, n in units for _ in range(n))


def store(journey_id: str, checked: CheckedFile) -> dict[str, Any]:
    """Keep a checked file; returns the JSON-safe record the session keeps."""
    file_id = uuid.uuid4().hex
    path = default_storage.save(f"{TMP_DIR}/{journey_id}/{file_id}", ContentFile(checked.content))
    return {
        "id": file_id,
        "path": path,
        "name": checked.name,
        "size": checked.size,
        "type": checked.content_type,
    }


def load(record: dict[str, Any]) -> IncomingFile | None:
    """The stored file as intake expects it, or None if it has gone (purged, disk cleared)."""
    try:
        with default_storage.open(record["path"], "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return None
    return IncomingFile(name=record["name"], content=content, declared_type=record["type"])


def discard(record: dict[str, Any]) -> None:
    if default_storage.exists(record["path"]):
        default_storage.delete(record["path"])


def discard_journey(journey_id: str) -> None:
    """The enquiry is saved (its attachments copied): remove everything the journey kept."""
    folder = f"{TMP_DIR}/{journey_id}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(f"{folder}/{name}")
    _remove_empty_folder(folder)


def purge_stale(*, older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Delete kept uploads older than WEB_UPLOAD_TTL_HOURS; returns how many files went."""
    older_than = older_than or timedelta(hours=settings.WEB_UPLOAD_TTL_HOURS)
    cutoff = (now or timezone.now()) - older_than
    removed = 0
    try:
        journeys, _files = default_storage.listdir(TMP_DIR)
    except FileNotFoundError:
        return 0
    for journey in journeys:
        folder = f"{TMP_DIR}/{journey}"
        _dirs, files = default_storage.listdir(folder)
        kept = len(files)
        for name in files:
            path = f"{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
                kept -= 1
        if not kept:
            _remove_empty_folder(folder)
    return removed


def _remove_empty_folder(folder: str) -> None:
    # Object storages have no folders; a folder that is not empty is left for next time.
    with contextlib.suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(folder))
