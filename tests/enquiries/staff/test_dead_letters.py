"""Dead letters (work a worker kept dying on) are shown to managers and admins on the staff
home page, and an admin retries them from the admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries.models import OutboxTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_letter():
    return OutboxTask.objects.create(
        task_name="enquiries.tasks.notify_resident",
        dedupe_key="notify:41:open:0",
        kwargs={"case_id": 41, "kind": "open"},
        state=OutboxTask.State.DEAD,
        deliveries=4,
        completed_at=timezone.now(),
        last_error="Dead letter: 3 deliveries ended with their worker dying.",
    )


def test_managers_see_dead_letters_on_the_staff_home_page(signed_in, world, dead_letter):
    page = signed_in(world.manager).get(reverse("staff:home")).content.decode()
    assert "Stopped work (dead letters)" in page
    assert "notify:41:open:0" in page and "An administrator can retry it." in page


def test_front_line_staff_do_not(signed_in, world, dead_letter):
    page = signed_in(world.agent).get(reverse("staff:home")).content.decode()
    assert "dead letters" not in page


def test_an_admin_retries_a_dead_letter_from_the_admin(signed_in, world, dead_letter):
    client = signed_in(world.admin)
    assert "the administration site" in client.get(reverse("staff:home")).content.decode()
    response = client.post(
        reverse("admin:enquiries_outboxtask_changelist"),
        {"action": "retry", "_selected_action": [dead_letter.pk]},
    )
    assert response.status_code == 302
    dead_letter.refresh_from_db()
    assert dead_letter.state in (OutboxTask.State.PENDING, OutboxTask.State.DISPATCHED)
    assert (dead_letter.deliveries, dead_letter.finished_deliveries) == (0, 0)
