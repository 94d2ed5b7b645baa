"""Direction controls in what residents send are shown, never obeyed, on staff pages."""

import pytest
from django.urls import reverse

from enquiries.models import Resident
from tests.factories import ContactFactory

RLO = "\u202e"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.fixture
def spoofed(world):
    case = world.highways_case
    case.summary = f"Invoice {RLO}fdp.exe"
    case.description = f"Please pay {RLO}0001 GBP"
    case.answers = {"detail": f"left {RLO}thgir"}
    case.address = f"1 {RLO}daoR"
    case.save()
    Resident.objects.filter(pk=case.resident_id).update(full_name=f"Eve {RLO}evE")
    ContactFactory(case=case, resident=case.resident, body=f"Reply {RLO}ylper{CONTROLS}")
    return case


def test_a_staff_case_page_never_serves_a_raw_override(world, signed_in, spoofed):
    client = signed_in(world.highways_officer)
    html = client.get(reverse("staff:case", args=[spoofed.reference])).content.decode()
    assert not any(ch in html for ch in CONTROLS)
    assert "Invoice [U+202E]fdp.exe" in html
    assert "[U+061C]" in html  # every kind of control is made visible, not silently dropped


@pytest.mark.parametrize("page", ["resident", "worklist", "search"])
def test_other_staff_pages_never_serve_a_raw_override(world, signed_in, spoofed, page):
    client = signed_in(world.manager)
    url = {
        "resident": reverse("staff:resident", args=[spoofed.resident_id]),
        "worklist": reverse("staff:worklist"),
        "search": reverse("staff:search") + f"?q={spoofed.reference}",
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert RLO not in html
    assert "[U+202E]" in html
