"""Staff open residents' files through one authorising view: policy, access log, safe headers.
Uploads are never served from a public path, in any setting."""

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse

from enquiries.models import AccessLog, Attachment
from tests.enquiries.staff.helpers import sign_in
from tests.factories import ContactFactory

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(case, content: bytes, name: str, content_type: str) -> Attachment:
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        contact=ContactFactory(case=case, resident=case.resident),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def url(attachment: Attachment, **query) -> str:
    path = reverse("staff:attachment", args=[attachment.pk])
    return path + ("?inline=1" if query.get("inline") else "")


def test_a_caseworker_of_the_department_downloads_the_file(client, world):
    photo = attach(world.highways_case, PNG, "pothole photo.png", "image/png")
    response = sign_in(client, world.highways_officer).get(url(photo))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert "pothole photo.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    row = AccessLog.objects.get(user=world.highways_officer, action="view_attachment")
    assert row.case == world.highways_case and row.resident == world.highways_case.resident


def test_another_departments_caseworker_gets_404_and_the_attempt_is_logged(client, world):
    photo = attach(world.highways_case, PNG, "photo.png", "image/png")
    response = sign_in(client, world.waste_officer).get(url(photo))
    assert response.status_code == 404
    denied = AccessLog.objects.get(user=world.waste_officer)
    assert denied.action.startswith("denied:")
    assert not AccessLog.objects.filter(user=world.waste_officer, action="view_attachment")


def test_signed_out_or_password_only_sessions_get_nothing(client, world):
    photo = attach(world.highways_case, PNG, "photo.png", "image/png")
    assert client.get(url(photo)).status_code == 302
    client.force_login(world.highways_officer)  # no second factor yet
    response = client.get(url(photo))
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


def test_images_may_be_shown_inline_but_nothing_else_is(client, world):
    photo = attach(world.highways_case, PNG, "photo.png", "image/png")
    letter = attach(world.highways_case, PDF, "letter.pdf", "application/pdf")
    sign_in(client, world.highways_officer)
    inline = client.get(url(photo, inline=True))
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["Content-Type"] == "image/png"
    assert inline["Content-Security-Policy"] == "sandbox; default-src 'none'"
    pdf = client.get(url(letter, inline=True))
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_the_case_page_links_to_the_file(client, world):
    photo = attach(world.highways_case, PNG, "photo.png", "image/png")
    page = sign_in(client, world.highways_officer).get(
        reverse("staff:case", args=[world.highways_case.reference])
    )
    assert url(photo) in page.content.decode()


def test_the_file_downloads_through_a_real_http_server(live_server, client, world):
    letter = attach(world.highways_case, PDF, "letter.pdf", "application/pdf")
    sign_in(client, world.highways_officer)
    session = requests.Session()
    session.cookies.set(django_settings.SESSION_COOKIE_NAME, client.cookies["sessionid"].value)
    response = session.get(f"{live_server.url}{url(letter)}", allow_redirects=False, timeout=10)
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    # (Django's live test server itself serves MEDIA_ROOT, so /media/ is checked below instead)


def test_the_file_is_not_at_a_media_address(client, world):
    letter = attach(world.highways_case, PDF, "letter.pdf", "application/pdf")
    sign_in(client, world.highways_officer)
    assert client.get(f"/media/{letter.file.name}").status_code == 404


@pytest.mark.parametrize("env", ["development", "test"])
def test_no_setting_serves_uploads_from_media(env, tmp_path):
    """Even the development settings (DEBUG on) have no /media/ URL."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import Resolver404, resolve\n"
        "assert settings.DEBUG == (settings.PORTAL_ENV == 'development')\n"
        "try:\n"
        "    match = resolve('/media/attachments/2026/01/ab/abcdef')\n"
        "except Resolver404:\n"
        "    print('not served')\n"
        "else:\n"
        "    print('served by', match.func)\n"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG",)},
        "PORTAL_ENV": env,
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "not served"
