"""Anonymous uploads are limited per client address and per journey, in files and bytes over a
window, with a clear message; a journey's kept files go once its enquiry is saved."""

import pytest
from django.core.files.storage import default_storage

from channels.web import uploads
from enquiries.models import Attachment, Contact
from tests.channels.web.conftest import PNG, random_ip, upload, walk_pothole
from tests.channels.web.test_tracking import file_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * (1024 * 1024)  # a little over 1MB


@pytest.fixture
def limits(settings):
    settings.WEB_RATE_LIMITS = {
        **settings.WEB_RATE_LIMITS,
        "upload": "1000/h",
        "upload_mb": "1000/h",
    }
    settings.WEB_UPLOAD_JOURNEY_MAX_FILES = 1000
    settings.WEB_UPLOAD_JOURNEY_MAX_MB = 1000
    return settings


def stored_files() -> int:
    try:
        folders, _ = default_storage.listdir(uploads.TMP_DIR)
    except FileNotFoundError:
        return 0
    return sum(len(default_storage.listdir(f"{uploads.TMP_DIR}/{f}")[1]) for f in folders)


def to_files_page(walker):
    walk_pothole(walker)
    walker.get("files")


def test_files_past_the_per_address_limit_are_refused_with_a_clear_message(walker, limits):
    limits.WEB_RATE_LIMITS["upload"] = "3/h"
    ip = random_ip()
    to_files_page(walker)
    three = [upload(f"{n}.png") for n in range(3)]
    ok = walker.post("files", {"action": "upload", "files": three}, REMOTE_ADDR=ip)
    assert ok.status_code == 302

    refused = walker.post("files", {"action": "upload", "files": [upload("4.png")]}, REMOTE_ADDR=ip)

    page = refused.content.decode()
    assert refused.status_code == 429
    assert "govuk-error-summary" in page
    assert "You have added too many files in a short time" in page
    assert stored_files() == 3


def test_megabytes_past_the_per_address_limit_are_refused(walker, limits):
    limits.WEB_RATE_LIMITS["upload_mb"] = "3/h"
    ip = random_ip()
    to_files_page(walker)
    first = upload("a.pdf", PDF, "application/pdf")
    assert (
        walker.post("files", {"action": "upload", "files": [first]}, REMOTE_ADDR=ip).status_code
        == 302
    )

    second = upload("b.pdf", PDF, "application/pdf")
    refused = walker.post("files", {"action": "upload", "files": [second]}, REMOTE_ADDR=ip)

    assert refused.status_code == 429
    assert stored_files() == 1


def test_one_journey_cannot_upload_and_remove_without_end(walker, pothole, limits):
    limits.WEB_UPLOAD_JOURNEY_MAX_FILES = 4
    to_files_page(walker)
    for _ in range(4):  # upload, remove, upload again...
        assert walker.post("files", {"action": "upload", "files": [upload()]}).status_code == 302
        kept = walker.client.session["web_journeys"][pothole.slug]["files"]
        walker.post("files", {"remove": kept[0]["id"]})

    refused = walker.post(
        "files", {"action": "upload", "files": [upload()]}, REMOTE_ADDR=random_ip()
    )

    assert refused.status_code == 429
    assert "You have added too many files" in refused.content.decode()
    assert stored_files() == 0


def test_replies_with_files_count_against_the_same_address_limit(client, pothole, limits):
    limits.WEB_RATE_LIMITS["upload"] = "2/h"
    case = file_case(pothole)
    ip = random_ip()
    sent = client.post(
        case.tracking_path(),
        {"reply_key": "a", "body": "Photos", "files": [upload(), upload()]},
        REMOTE_ADDR=ip,
    )
    assert sent.status_code == 302

    refused = client.post(
        case.tracking_path(),
        {"reply_key": "b", "body": "More photos", "files": [upload()]},
        REMOTE_ADDR=ip,
    )

    assert refused.status_code == 429
    assert "You have added too many files in a short time" in refused.content.decode()
    assert not Contact.objects.filter(body="More photos").exists()


def test_the_journeys_kept_files_are_removed_once_the_enquiry_is_saved(walker, limits):
    walk_pothole(walker, files=[upload("one.png"), upload("two.png")])
    assert stored_files() == 2

    assert walker.submit().status_code == 302

    assert Attachment.objects.count() == 2
    assert all(a.file.read() == PNG for a in Attachment.objects.all())
    assert stored_files() == 0
