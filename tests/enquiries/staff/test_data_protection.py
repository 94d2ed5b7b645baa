"""The data protection officer's actions on resident and case pages: subject access (built by a
real worker, downloaded through an expiring, logged link), erasure and legal hold."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries.choices import Channel, Direction
from enquiries.models import AccessLog, Case, Contact, Resident, SubjectAccessExport
from tests.conftest import wait_for
from tests.enquiries.privacy_data import follower_of, spread_person
from tests.enquiries.staff.helpers import sign_in
from tests.factories import CaseFactory, UserFactory


@pytest.fixture
def dpo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(
        username="dpo", first_name="Dana", last_name="Officer", groups=["data_protection"]
    )


def _request_export(client, resident: Resident):
    response = client.post(reverse("staff:subject_access_request", args=[resident.pk]))
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db(transaction=True)
def test_the_officer_gets_everything_about_a_person_as_a_zip_built_by_a_worker(
    client, dpo, live_worker
):
    person = spread_person()
    web_case = person.cases[1]
    resident = Resident.objects.get(pk=web_case.resident_id)
    follower = follower_of(web_case)
    # the follower wrote on the person's case: their words are in the export, flagged for redaction
    # (made here, not left to whichever update the worker happens to have sent by then)
    Contact.objects.create(
        case=web_case,
        resident=follower,
        channel=Channel.WEB,
        direction=Direction.INBOUND,
        body="Follower Brackenbury here: the same pothole nearly had me off my bike.",
        sender_address=follower.email,
        is_public=True,
    )
    viewer = UserFactory(first_name="Viv", last_name="Viewer", groups=["contact_centre"])
    AccessLog.objects.create(user=viewer, resident=resident, path="/staff/residents/x/")
    sign_in(client, dpo)

    status_url = _request_export(client, resident)
    export = SubjectAccessExport.objects.get()
    wait_for(
        lambda: SubjectAccessExport.objects.filter(
            pk=export.pk, state=SubjectAccessExport.State.READY
        ).exists(),
        timeout=60,
    )
    page = client.get(status_url)
    assert b"Download the export" in page.content
    download = client.get(status_url + "download/")

    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"data.json", "report.html"} <= set(archive.namelist())
    data = json.loads(archive.read("data.json"))
    assert data["person"]["email"] == person.email
    assert data["person"]["phone"] == person.phone
    assert [c["field"] for c in data["person"]["changes"]]  # rectifications are included
    (case,) = data["cases"]
    assert case["reference"] == web_case.reference and person.secret in case["description"]
    assert case["answers"]["size"] == "Big"
    assert any(n["to"] == person.email and n["state"] == "Delivered" for n in data["notifications"])
    assert any("Viv Viewer" in v["by"] for v in data["staff_views"])
    flagged = {flag["text"] for flag in data["redact_before_release"]}
    assert "brackenbury@example.net" in flagged or "Follower Brackenbury" in flagged
    assert person.street in archive.read("report.html").decode()
    assert AccessLog.objects.filter(
        user=dpo, resident=resident, action="subject_access_download"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_an_export_of_the_email_case_includes_its_attachment(client, dpo, live_worker):
    person = spread_person("Wetherell")
    email_case = Case.objects.get(pk=person.cases[0].pk)
    sign_in(client, dpo)

    status_url = _request_export(client, email_case.resident)
    wait_for(
        lambda: SubjectAccessExport.objects.filter(state=SubjectAccessExport.State.READY).exists(),
        timeout=60,
    )
    download = client.get(status_url + "download/")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert any(name.startswith("attachments/") for name in archive.namelist())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "manager", "contact_centre", "caseworker"])
def test_only_the_data_protection_role_may_ask_for_or_download_an_export(client, dpo, role):
    from enquiries import subject_access

    resident = CaseFactory().resident
    export, token = subject_access.request_export(resident=resident, by=dpo)
    other = UserFactory(groups=[role], is_superuser=role == "admin")
    sign_in(client, other)

    asked = client.post(reverse("staff:subject_access_request", args=[resident.pk]))
    fetched = client.get(reverse("staff:subject_access_download", args=[export.pk, token]))

    assert asked.status_code == 404 and fetched.status_code == 404
    assert AccessLog.objects.filter(user=other, action="denied:subject_access").count() == 2


@pytest.mark.django_db
def test_an_expired_link_no_longer_downloads_and_its_file_is_deleted(client, dpo):
    from enquiries import subject_access

    resident = CaseFactory().resident
    export, token = subject_access.request_export(resident=resident, by=dpo)
    subject_access.build(export.pk)
    export.refresh_from_db()
    path = export.file.path
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    sign_in(client, dpo)

    response = client.get(reverse("staff:subject_access_download", args=[export.pk, token]))

    assert response.status_code == 404
    import os

    assert not os.path.exists(path)
    assert SubjectAccessExport.objects.get(pk=export.pk).state == "expired"


@pytest.mark.django_db
def test_a_wrong_token_is_refused(client, dpo):
    from enquiries import subject_access

    export, _token = subject_access.request_export(resident=CaseFactory().resident, by=dpo)
    sign_in(client, dpo)

    response = client.get(reverse("staff:subject_access", args=[export.pk, "guessed"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_officer_erases_a_person_from_their_page_with_reason_and_basis(client, dpo):
    case = CaseFactory()
    sign_in(client, dpo)
    url = reverse("staff:resident_erase", args=[case.resident_id])

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Letter DP-7", "legal_basis": "art17_1b"})

    assert refused.status_code == 400
    assert b"Say why the data is being erased" in refused.content
    assert b"Choose the legal basis" in refused.content
    assert done.status_code == 302
    resident = Resident.objects.get(pk=case.resident_id)
    assert resident.anonymised_at is not None and resident.erasures.get().by == dpo


@pytest.mark.django_db
def test_the_officer_places_and_lifts_a_legal_hold_on_the_case_page(client, dpo):
    case = CaseFactory()
    sign_in(client, dpo)
    url = reverse("staff:case_legal_hold", args=[case.reference])

    client.post(url, {"reason": "Ombudsman complaint"})
    case.refresh_from_db()
    assert case.legal_hold_reason == "Ombudsman complaint" and case.legal_hold_by == dpo
    page = client.get(reverse("staff:case", args=[case.reference]))
    assert b"On legal hold: Ombudsman complaint" in page.content

    client.post(url, {"lift": "1"})
    case.refresh_from_db()
    assert case.legal_hold_reason == "" and case.legal_hold_by is None


@pytest.mark.django_db
def test_a_caseworker_cannot_place_a_legal_hold(client):
    case = CaseFactory()
    caseworker = UserFactory(groups=["caseworker"])
    case.department.members.add(caseworker)
    sign_in(client, caseworker)

    response = client.post(reverse("staff:case_legal_hold", args=[case.reference]), {"reason": "x"})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.legal_hold_reason == ""
