"""The case page reads right: one id per input (a label focuses its own box), labelled reasons,
question text for answers, and one timeline entry per thing that happened."""

import re
from collections import Counter

from django.core import mail
from django.urls import reverse

from enquiries import services
from enquiries.models import CaseEvent, Contact, Notification, OutboxTask
from enquiries.staff_selectors import excerpt, staff_timeline
from tests.enquiries.staff.helpers import open_case
from tests.factories import ResidentFactory
from tests.integration.outbox_runner import drain


def page(client, case) -> str:
    response = client.get(reverse("staff:case", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def label_target(html: str, text: str) -> str:
    """The id a <label> with this text points at."""
    match = re.search(r'<label[^>]*for="([^"]+)"[^>]*>\s*' + re.escape(text) + r"\s*<", html)
    assert match, f"no label {text!r}"
    return match.group(1)


def element_with_id(html: str, element_id: str) -> str:
    """The opening tag of the one element with this id."""
    [tag] = re.findall(r'<\w+[^>]*\bid="' + re.escape(element_id) + r'"[^>]*>', html)
    return tag


def test_every_id_on_the_case_page_is_unique(signed_in, world):
    html = page(signed_in(world.highways_officer), world.highways_case)
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_internal_note_label_points_at_the_note_box_in_the_note_form(signed_in, world):
    html = page(signed_in(world.highways_officer), world.highways_case)
    note_box = label_target(html, "Internal note")
    reply_box = label_target(html, "Reply to the resident")
    assert note_box != reply_box
    note_action = reverse("staff:case_note", args=[world.highways_case.reference])
    note_form = html.split(f'action="{note_action}"')[1].split("</form>")[0]
    assert f'id="{note_box}"' in note_form and "<textarea" in note_form


def test_transfer_and_merge_reasons_have_their_own_labels(signed_in, world):
    html = page(signed_in(world.highways_officer), world.highways_case)
    for text in ("Reason for the transfer", "Reason for the merge (internal)",
                 "Reason for the status change (internal)"):  # fmt: skip
        target = label_target(html, text)
        assert 'name="reason"' in element_with_id(html, target)


def test_a_note_never_reaches_the_resident(signed_in, world):
    case = world.highways_case
    client = signed_in(world.highways_officer)
    client.post(reverse("staff:case_note", args=[case.reference]), {"body": "Tricky neighbour"})
    drain()
    assert CaseEvent.objects.get(case=case, kind="note").message == "Tricky neighbour"
    assert not Contact.objects.filter(case=case, direction="outbound").exists()
    assert not Notification.objects.filter(case=case).exists()
    assert not any("Tricky neighbour" in m.body for m in mail.outbox)


def test_answers_show_the_question_text(signed_in, world):
    case = open_case(
        world.pothole,
        answers={"hazard_type": "Deep pothole", "accident_happened": False,
                 "location_detail": "By the bus stop"},
    )  # fmt: skip
    html = page(signed_in(world.highways_officer), case)
    assert "What is the danger?" in html and "Has anyone been hurt?" in html
    assert "Location detail" in html  # a key no question has any more, in words
    assert "hazard_type" not in html and "location_detail" not in html


def test_an_email_to_the_resident_is_one_timeline_entry_collapsed_to_its_first_lines(
    signed_in, world
):
    resident = ResidentFactory(email="edith@example.com", preferred_channel="email")
    case = open_case(world.pothole, resident=resident)
    body = "We will repair it on Monday.\nThe crew starts at 8.\nThanks.\n\n" + "Footer " * 80
    services.reply_to_resident(case=case, body=body, by=world.highways_officer)
    drain()
    assert len(mail.outbox) == 1  # really sent: contact, notification and event all exist
    assert Notification.objects.filter(case=case, state="sent").exists()
    assert OutboxTask.objects.filter(task_name__contains="notify").exists()

    entries = [e for e in staff_timeline(case) if "Monday" in e.body or "Monday" in e.title]
    assert len(entries) == 1
    [entry] = entries
    assert entry.collapsed and entry.excerpt == excerpt(body)
    assert "Sent" in entry.tags

    html = page(signed_in(world.highways_officer), case)
    assert html.count("We will repair it on Monday.") == 2  # the excerpt, and inside <details>
    assert "Show the full message" in html


def test_an_automatic_email_shows_once_with_its_delivery_state(signed_in, world):
    resident = ResidentFactory(email="edith@example.com", preferred_channel="email")
    case = open_case(world.pothole, resident=resident)
    services.case_transition(case=case, to="in_progress")
    drain()
    assert mail.outbox, "the status change emails the resident"
    subject = mail.outbox[0].subject
    titles = [e.title for e in staff_timeline(case) if subject in e.title or subject in e.body]
    assert len(titles) == 1


def test_short_messages_are_not_collapsed():
    assert excerpt("Thanks") == "Thanks"
    assert excerpt("one\ntwo\nthree") == "one\ntwo …"


def test_merge_candidates_are_listed_behind_a_link_that_works_without_javascript(signed_in, world):
    """The likely originals of a duplicate are read only when asked for (one query less on
    every other view of the page); the link reloads the page with the merge section open."""
    case = world.highways_case
    twin = open_case(world.pothole, postcode_district=case.postcode_district)
    client = signed_in(world.highways_officer)
    html = page(client, case)
    assert twin.reference not in html
    assert 'href="?merge_candidates=1#merge"' in html
    asked = client.get(reverse("staff:case", args=[case.reference]), {"merge_candidates": "1"})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert f'href="{reverse("staff:case", args=[twin.reference])}"' in html
    assert '<details class="govuk-details" id="merge" open>' in html


def test_timeline_events_and_unsent_notifications_read_as_rows(world):
    """Events and notifications are read as rows (compiled once): who, what and whether the
    resident sees them read as they did from the models."""
    from enquiries.case_events import record_event

    case = open_case(world.pothole)
    officer = world.highways_officer
    record_event(case=case, kind="note", message="Call back later", by=officer)
    record_event(case=case, kind="status_changed", message="Opened", public="We opened it")
    record_event(case=case, kind="notification_sent", message="Sent", data={"notification": 12345})
    Notification.objects.create(
        case=case, kind="digest", medium="email", to_address="team@example.com",
        subject="Daily digest", body="Three cases", state="failed", error="Bounced",
        idempotency_key="timeline-rows-test",
    )  # fmt: skip
    entries = staff_timeline(case)
    by_body = {e.body: e for e in entries}
    note = by_body["Call back later"]
    assert note.kind == "note" and not note.public
    assert note.who == (officer.get_full_name() or officer.get_username())
    opened = by_body["Opened"]
    assert opened.kind == "event" and opened.public and opened.who == "System"
    assert opened.title == CaseEvent(kind="status_changed").get_kind_display()
    assert "Sent" not in by_body  # about a notification: that notification carries its state
    failed = by_body["Not sent: Bounced\n\nThree cases"]
    assert failed.kind == "notification" and failed.who == "Failed" and not failed.public
    assert failed.title == "Email to team@example.com: Daily digest"


def test_the_case_is_read_for_its_page_as_select_related_read_it(world):
    """case_for_page's one compiled query gives the same case, joined rows and permission
    checks as the ORM's select_related: by reference or id, with or without an assignee."""
    import pytest
    from django.forms.models import model_to_dict
    from django.http import Http404

    from enquiries.models import Case
    from enquiries.policy import VIEW
    from enquiries.staff_selectors import case_for_page

    case = open_case(world.pothole, assignee=world.highways_officer)
    unassigned = open_case(world.pothole)
    for target in (case, unassigned):
        expected = Case.objects.select_related("service", "department", "assignee", "resident").get(
            pk=target.pk
        )
        for key in (target.reference, target.reference.lower(), str(target.pk), target.pk):
            got = case_for_page(world.highways_officer, key, VIEW, path="/")
            assert model_to_dict(got) == model_to_dict(expected)
            assert got.open_matches is False
            for name in ("service", "department", "assignee", "resident"):
                mine, theirs = getattr(got, name), getattr(expected, name)
                assert (mine and model_to_dict(mine)) == (theirs and model_to_dict(theirs))
    with pytest.raises(Http404):
        case_for_page(world.waste_officer, case.reference, VIEW, path="/")
    with pytest.raises(Http404):
        case_for_page(world.highways_officer, "not-a-reference", VIEW, path="/")
