"""Tell us once: a nearby report's description snippet and photo, only when its resident agreed.

The photo is served by a public view under a signed token, re-encoded without metadata (the
EXIF GPS of a phone photo would say where the resident stood), and 404s without consent.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from enquiries.choices import Status
from enquiries.models import Attachment, Case, CaseEvent
from enquiries.public_reports import thumbnail_token
from tests.channels.web.conftest import walk_pothole
from tests.enquiries.staff.helpers import sign_in, world  # noqa: F401
from tests.factories import CaseFactory, ContactFactory
from tests.factories.places import load_directory

pytestmark = pytest.mark.django_db

PR1_8XJ = (Decimal("53.763200"), Decimal("-2.703100"))
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def directory(settings):
    settings.COUNCIL_AREA_CODES = ["E10000099"]
    settings.COUNCIL_AREA_NAME = "Northmoor"
    load_directory()


def phone_photo(size=(1200, 900)) -> bytes:
    """A JPEG as a phone writes it: with EXIF that holds the GPS position."""
    image = Image.new("RGB", size, (120, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (53.0, 45.0, 47.5), 3: "W", 4: (2.0, 42.0, 11.2)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def reported(pothole, *, shared: bool, description: str, **fields) -> tuple[Case, Attachment]:
    case = CaseFactory(
        service=pothole,
        address="Ribble Lane",
        status=Status.OPEN,
        latitude=PR1_8XJ[0],
        longitude=PR1_8XJ[1],
        description=description,
        shared_publicly=shared,
        **fields,
    )
    photo = Attachment(
        contact=ContactFactory(case=case),
        original_name="IMG_0001.jpg",
        content_type="image/jpeg",
        sha256=("cd" if shared else "ef") * 32,
    )
    photo.file.save("IMG_0001.jpg", ContentFile(phone_photo()), save=True)
    return case, photo


def nearby_page(walker) -> str:
    walker.start()
    walker.post("where", {"address": "", "postcode": "PR1 8XJ"})
    return walker.get("nearby").content.decode()


def thumbnail_url(photo) -> str:
    return reverse("web:report_photo", args=[thumbnail_token(photo.pk)])


def test_a_consenting_reports_snippet_and_photo_are_shown_to_a_resident_nearby(walker, pothole):
    reported(
        pothole, shared=True, description="Big hole by the drain, ring 07700 900123 or a@b.com"
    )

    page = nearby_page(walker)

    assert "Big hole by the drain, ring [phone number removed] or [email removed]" in page
    assert "07700" not in page and "a@b.com" not in page
    assert 'alt="Photo of the reported problem"' in page
    assert "/media/" not in page


def test_a_report_without_consent_shows_neither_and_its_photo_url_is_not_found(
    walker, pothole, client
):
    _, photo = reported(pothole, shared=False, description="Outside Mrs Patel's house")

    page = nearby_page(walker)

    assert "Patel" not in page and "Photo of the reported problem" not in page
    assert client.get(thumbnail_url(photo)).status_code == 404


def test_the_photo_is_a_small_copy_without_exif_or_gps(pothole, client):
    _, photo = reported(pothole, shared=True, description="Hole")

    response = client.get(thumbnail_url(photo))

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG" and max(image.size) <= 320
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in body and b"PhoneMaker" not in body
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "max-age" in response["Cache-Control"]


def test_a_guessed_or_tampered_token_is_not_found(pothole, client):
    _, photo = reported(pothole, shared=True, description="Hole")
    token = thumbnail_token(photo.pk)

    assert client.get(reverse("web:report_photo", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("web:report_photo", args=[str(photo.pk)])).status_code == 404


def test_a_closed_reports_photo_is_not_found(pothole, client):
    case, photo = reported(pothole, shared=True, description="Hole")
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)

    assert client.get(thumbnail_url(photo)).status_code == 404


def test_the_web_journey_stores_the_consent_unticked_by_default(walker):
    walk_pothole(walker)
    assert 'name="share_publicly"' in walker.get("describe").content.decode()
    walker.submit()
    assert Case.objects.get().shared_publicly is False


def test_ticking_the_consent_box_shares_the_report(walker):
    walk_pothole(walker, describe={"share_publicly": "on"})
    walker.submit()
    assert Case.objects.get().shared_publicly is True


def test_staff_withdrawing_publication_hides_snippet_and_photo(walker, pothole, world, client):  # noqa: F811
    case, photo = reported(
        pothole, shared=True, description="Hole outside Jo's house",
        department=world.highways,
    )  # fmt: skip
    staff = sign_in(client.__class__(), world.highways_officer)

    response = staff.post(reverse("staff:case_withdraw_publication", args=[case.reference]))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.shared_publicly is False
    assert CaseEvent.objects.filter(case=case, data__publication="withdrawn").exists()
    page = nearby_page(walker)
    assert "Jo&#x27;s house" not in page and "Photo of the reported problem" not in page
    assert client.get(thumbnail_url(photo)).status_code == 404


def test_check_your_answers_says_whether_the_report_is_shared(walker):
    walk_pothole(walker, describe={"share_publicly": "on"})
    page = walker.get("check").content.decode()
    assert "Shown to people reporting nearby" in page
    assert "Yes, the description and photos" in page


def test_a_merged_reports_photo_is_not_found(pothole, client):
    case, photo = reported(pothole, shared=True, description="Hole")
    other = CaseFactory(service=pothole, status=Status.OPEN)
    Case.objects.filter(pk=case.pk).update(merged_into=other)

    assert client.get(thumbnail_url(photo)).status_code == 404


def test_staff_of_another_department_cannot_withdraw_publication(pothole, world, client):  # noqa: F811
    case, _ = reported(pothole, shared=True, description="Hole", department=world.highways)
    staff = sign_in(client, world.waste_officer)

    response = staff.post(reverse("staff:case_withdraw_publication", args=[case.reference]))

    assert response.status_code in (403, 404)
    case.refresh_from_db()
    assert case.shared_publicly is True
    assert not CaseEvent.objects.filter(case=case, data__publication="withdrawn").exists()


def test_the_case_page_offers_withdrawal_only_for_a_shared_report(pothole, world, client):  # noqa: F811
    shared, _ = reported(pothole, shared=True, description="Hole", department=world.highways)
    private, _ = reported(pothole, shared=False, description="Hole", department=world.highways)
    staff = sign_in(client, world.highways_officer)
    button = "Stop showing description and photos to residents"

    assert button in staff.get(reverse("staff:case", args=[shared.reference])).content.decode()
    assert button not in staff.get(reverse("staff:case", args=[private.reference])).content.decode()


def test_photos_are_rate_limited_per_address(pothole, client, settings):
    _, photo = reported(pothole, shared=True, description="Hole")
    settings.WEB_RATE_LIMITS = {**settings.WEB_RATE_LIMITS, "report_photo": "2/h"}

    answers = [client.get(thumbnail_url(photo)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
