"""Files a resident uploads during a journey, kept between pages until the enquiry is sent.

They sit in the default storage under tmp/web-uploads/<journey>/ with random names (never the
resident's file name), only after check_file has accepted their content, and the session holds
what we know about them. Stale folders are purged (channels.web.tasks.purge_stale_uploads).
"""

import contextlib
import os
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from enquiries.attachments import CheckedFile, IncomingFile

TMP_DIR = "tmp/web-uploads"


def store(journey_id: str, checked: CheckedFile) -> dict:
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


def load(record: dict) -> IncomingFile | None:
    """The stored file as intake expects it, or None if it has gone (purged, disk cleared)."""
    try:
        with default_storage.open(record["path"], "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return None
    return IncomingFile(name=record["name"], content=content, declared_type=record["type"])


def discard(record: dict) -> None:
    if default_storage.exists(record["path"]):
        default_storage.delete(record["path"])


def purge_stale(*, older_than: timedelta | None = None, now=None) -> int:
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
