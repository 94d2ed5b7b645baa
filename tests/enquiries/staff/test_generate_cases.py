"""generate_cases: realistic rows, valid references, in batches (COPY on PostgreSQL)."""

from io import StringIO

from django.core.management import call_command

from enquiries.models import Case, CaseEvent, Contact, Resident, hash_tracking_token
from enquiries.references import is_valid_reference


def test_generate_cases_adds_cases_with_a_contact_and_an_event_each(world):
    before = Case.objects.count()
    call_command("generate_cases", "--count", "40", stdout=StringIO())
    new = Case.objects.exclude(pk__in=[world.highways_case.pk, world.waste_case.pk])
    assert Case.objects.count() == before + 40
    assert Contact.objects.filter(case__in=new).count() == 40
    assert CaseEvent.objects.filter(case__in=new).count() == 40
    assert Resident.objects.count() >= 14
    case = new.order_by("id").first()
    assert is_valid_reference(case.reference)
    assert case.tracking_token_hash == hash_tracking_token(case.tracking_token())
    assert {c.department_id for c in new.exclude(status="received")} <= {
        world.highways.pk,
        world.waste.pk,
    }


def test_ids_keep_counting_after_a_generated_load(world):
    call_command("generate_cases", "--count", "5", stdout=StringIO())
    from tests.enquiries.staff.helpers import open_case

    later = open_case(world.pothole)
    assert later.pk > Case.objects.exclude(pk=later.pk).order_by("-pk").first().pk
