"""1,000 cases created at once on PostgreSQL: every reference unique, none lost."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from enquiries import intake
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case
from tests.conftest import requires_postgres
from tests.factories import ServiceFactory


@requires_postgres()
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_thousand_concurrent_submissions_get_unique_references():
    service = ServiceFactory()

    def submit(n: int) -> str:
        try:
            return intake.submit(
                NewCase(
                    idempotency_key=f"load:{n}",
                    contact=ContactDetails(channel=Channel.WEB, body="x"),
                    resident=ResidentDetails(email=f"r{n}@example.com"),
                    summary=f"Report {n}",
                    service=service,
                )
            ).case.reference
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        references = list(pool.map(submit, range(1000)))
    assert len(set(references)) == 1000
    assert Case.objects.count() == 1000
