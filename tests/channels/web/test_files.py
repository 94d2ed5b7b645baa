"""Uploads in the journey: checked by content, limited in number and size, kept between pages."""

import pytest
from django.test import override_settings

from channels.web import uploads
from enquiries.models import Attachment, Case
from tests.channels.web.conftest import PNG, upload, walk_pothole

pytestmark = pytest.mark.django_db


def _to_files_page(walker):
    walk_pothole(walker)
    return walker.get("files")


def test_a_file_with_a_wrong_type_is_refused_by_content_and_answers_are_kept(walker):
    _to_files_page(walker)
    fake = upload("holiday.png", b"MZ\x90\x00 this is really a program", "image/png")

    response = walker.post("files", {"action": "continue", "files": [fake]})

    page = response.content.decode()
    assert response.status_code == 400
    assert "The selected file holiday.png must be a JPG, PNG, GIF, WEBP, HEIC or PDF" in page
    assert 'href="#id_files"' in page
    assert "govuk-file-upload--error" in page
    assert "Outside number 12" in walker.get("q-location_detail").content.decode()


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_an_oversize_file_is_refused_with_the_reason(walker):
    _to_files_page(walker)
    big = upload("big.png", PNG + b"\x00" * 2048)

    response = walker.post("files", {"action": "continue", "files": [big]})

    assert response.status_code == 400
    assert "The selected file big.png must be smaller than" in response.content.decode()


def test_at_most_five_files(walker):
    _to_files_page(walker)
    six = [upload(f"photo{i}.png") for i in range(6)]
    response = walker.post("files", {"action": "upload", "files": six})
    assert response.status_code == 400
    assert "Select up to 5 files in total" in response.content.decode()

    walker.post("files", {"action": "upload", "files": [upload(f"p{i}.png") for i in range(4)]})
    response = walker.post("files", {"action": "upload", "files": [upload(), upload("x.png")]})
    assert response.status_code == 400
    page = walker.get("files").content.decode()
    assert page.count("Remove<span") == 4


def test_uploaded_files_are_kept_between_pages_and_can_be_removed(walker, pothole):
    _to_files_page(walker)
    walker.post("files", {"action": "upload", "files": [upload("one.png"), upload("two.png")]})
    walker.get("describe")
    page = walker.get("files").content.decode()
    assert "one.png" in page and "two.png" in page
    kept = walker.client.session["web_journeys"][pothole.slug]["files"]
    assert all(uploads.load(record).content == PNG for record in kept)

    walker.post("files", {"remove": kept[0]["id"]})

    assert "one.png" not in walker.get("files").content.decode()
    walker.post("files", {"action": "continue"})
    check = walker.get("check").content.decode()
    assert "two.png" in check and "one.png" not in check
    walker.submit()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["two.png"]
    assert Case.objects.count() == 1


def test_a_kept_file_that_has_gone_is_asked_for_again(walker, pothole):
    walk_pothole(walker, files=[upload()])
    record = walker.client.session["web_journeys"][pothole.slug]["files"][0]
    uploads.discard(record)

    response = walker.submit()

    assert response.status_code == 400
    assert "A file you added could not be kept" in response.content.decode()
    assert not Case.objects.exists()


def test_stale_uploads_are_purged(walker, pothole):
    from datetime import timedelta

    from django.utils import timezone

    walk_pothole(walker, files=[upload()])
    record = walker.client.session["web_journeys"][pothole.slug]["files"][0]

    assert uploads.purge_stale(now=timezone.now()) == 0
    assert uploads.purge_stale(now=timezone.now() + timedelta(days=2)) == 1
    assert uploads.load(record) is None
