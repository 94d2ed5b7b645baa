"""The data protection officer's pages in a real browser, signed in with a second factor:
data quality, duplicates (merge and undo), erasure with its errors, legal hold; each passes axe."""

import os

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries import residents
from enquiries.choices import Status
from enquiries.models import Case, Resident, ResidentMerge
from tests.enquiries.privacy_data import close_long_ago
from tests.factories import CaseFactory, ResidentFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, next_path):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()


def test_the_officer_works_through_the_data_protection_pages(
    live_server, browser_page, assert_accessible
):
    dpo = UserFactory(username="dpo", groups=["data_protection"])
    older = ResidentFactory(full_name="Pat Doe", email="pat@example.com")
    newer = ResidentFactory(full_name="Pat Doe", email="pat@example.com")
    theirs = CaseFactory(resident=newer)
    residents.record_possible_matches(newer)
    past = CaseFactory(status=Status.CLOSED)
    close_long_ago([past])
    page = browser_page

    sign_in(page, live_server, dpo, "/staff/data-quality/")
    page.get_by_role("heading", name="Data quality").wait_for()
    page.get_by_text(past.reference).wait_for()
    assert_accessible(page, "data quality")

    page.get_by_role("link", name="Duplicates").first.click()
    page.get_by_role("heading", name="Possible duplicate residents").wait_for()
    assert_accessible(page, "duplicates")
    page.get_by_role("button", name="Merge").first.click()
    page.get_by_text("merged into record").first.wait_for()
    assert Case.objects.get(pk=theirs.pk).resident == older
    assert_accessible(page, "duplicates after a merge")
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("The merge is undone.").wait_for()
    assert ResidentMerge.objects.get().undone_at is not None

    page.goto(f"{live_server.url}/staff/residents/{older.pk}/")
    page.get_by_role("link", name="Erase their personal data").click()
    assert_accessible(page, "erase form")
    page.get_by_role("button", name="Erase personal data").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page, "erase form (errors)")
    page.get_by_label("Article 17(1)(b): consent withdrawn").check()
    page.get_by_label("Reason").fill("Letter DP-2026-031")
    page.get_by_role("button", name="Erase personal data").click()
    page.get_by_text("The resident's personal data has been erased.").wait_for()
    assert Resident.objects.get(pk=older.pk).anonymised_at is not None

    page.goto(f"{live_server.url}/staff/cases/{past.reference}/")
    page.get_by_label("Reason for a legal hold").fill("Insurance claim")
    page.get_by_role("button", name="Place on legal hold").click()
    page.get_by_text("On legal hold: Insurance claim").wait_for()
    assert_accessible(page, "case on legal hold")
