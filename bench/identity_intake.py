"""Bench: what looking for possible matches adds to a web submission, on a large resident table.

Every typed submission now makes a new resident and looks for existing records with the same
email or phone (``enquiries.residents.record_possible_matches``: one OR query on two indexes).
This times ``intake.submit`` in the same run, interleaved, with that lookup and without it (the
baseline), after loading ``--residents`` rows; a third of the submissions reuse an existing
email so that matches are found and written. Nothing is sent (the outbox is not dispatched).
Results go to bench/RESULTS.md ("Identity: intake with possible matches").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_identity \\
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/identity_intake.py \\
        [--residents 500000] [--submissions 300]
"""

from __future__ import annotations

import argparse
import platform
import time
import uuid
from datetime import datetime

from automation_common import percentiles, setup_django, write_section

START, END = "<!-- identity-intake:start -->", "<!-- identity-intake:end -->"
MARK = "Identity bench"


def load_residents(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM enquiries_resident WHERE full_name LIKE %s", [MARK + "%"]
        )
        have = cursor.fetchone()[0]
        if have < count:
            cursor.execute(
                """
                INSERT INTO enquiries_resident (full_name, email, phone, address, postcode,
                    postcode_district, preferred_channel, consent_updates, email_failing,
                    phone_failing, flags, created_at, updated_at)
                SELECT %s || ' ' || g, 'ib' || g || '@example.com',
                    '+447' || lpad((g %% 1000000000)::text, 9, '0'), '', 'PR1 8XJ', 'PR1',
                    'email', true, false, false, '[]', now(), now()
                FROM generate_series(%s, %s) g
                """,
                [MARK, have + 1, count],
            )
        cursor.execute("ANALYZE enquiries_resident")


def submit(service, n: int, count: int) -> float:
    from enquiries import intake
    from enquiries.choices import Channel

    email = (
        f"ib{(n * 7919) % count + 1}@example.com"
        if n % 3 == 0
        else f"new.{uuid.uuid4().hex}@example.com"
    )
    command = intake.NewCase(
        idempotency_key=f"bench:identity:{uuid.uuid4()}",
        contact=intake.ContactDetails(channel=Channel.WEB, body="Street light out."),
        resident=intake.ResidentDetails(full_name=f"{MARK} submitter", email=email),
        summary="Street light out",
        service=service,
    )
    began = time.perf_counter()
    intake.submit(command)
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=500_000)
    parser.add_argument("--submissions", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    from unittest import mock

    from enquiries import intake
    from enquiries.models import PossibleMatch
    from tests.factories import ServiceFactory

    load_residents(args.residents)
    service = ServiceFactory()
    with_matching, baseline = [], []
    matches_before = PossibleMatch.objects.count()
    with mock.patch.object(intake, "outbox"):  # nothing leaves: this times the write alone
        for n in range(args.submissions):
            with_matching.append(submit(service, n, args.residents))
            with mock.patch.object(intake, "record_possible_matches", lambda resident: []):
                baseline.append(submit(service, n + 1, args.residents))
    found = PossibleMatch.objects.count() - matches_before
    m_med, m_p95 = percentiles(with_matching)
    b_med, b_p95 = percentiles(baseline)
    text = f"""
## Identity: intake with possible matches

{datetime.now():%Y-%m-%d %H:%M}, {platform.node()} ({platform.machine()}), PostgreSQL,
{args.residents:,} residents, {args.submissions} submissions each way, interleaved; a third
reuse an existing email ({found} possible matches written).

| `intake.submit` (web details) | median ms | p95 ms | × baseline (median) |
|---|---:|---:|---:|
| Baseline: new resident, no match lookup | {b_med:.1f} | {b_p95:.1f} | 1.00 |
| **New resident + possible-match lookup** | {m_med:.1f} | {m_p95:.1f} | **{m_med / b_med:.2f}** |

The lookup is one query, `UPPER(email) = … OR phone = …`, answered by a BitmapOr of
`resident_email_upper_idx` and the phone index. Reproduce:
`DATABASE_URL=…/portal_identity REDIS_URL=… python bench/identity_intake.py`.
"""
    write_section(START, END, text)
    print(text)


if __name__ == "__main__":
    main()
