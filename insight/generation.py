"""Realistic shape for generated cases (``generate_cases --realistic --hotspots N``).

Seasonality (more contact in winter and on Mondays), places from the demo postcode directory
(ward, LSOA, deprivation decile), more phone and face-to-face contact in deprived places,
chasers whose rate differs by service (some services generate much more avoidable contact), and
a few injected hotspots: extra cases for one service in one ward in the last four complete
weeks, so that hotspot detection can be checked against what was injected.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from enquiries import demo_data, demo_places
from enquiries.choices import AssistedDigitalReason, Channel, Direction, Outcome, Status
from enquiries.models import Case, CaseEvent, Contact, Service
from enquiries.places import imd_decile
from insight import hotspots
from insight.rollups import week_of

WARD_NAMES = dict(demo_places.wards())
#: generate_cases puts its open cases in the last 30 days: finished ones go before, so the
#: number received per week stays steady (apart from the seasons) instead of peaking recently.
OPEN_WINDOW_DAYS = 30
TOWN_INDEX: dict[str, int] = {}
for _t, _town in enumerate(demo_data.TOWNS):
    for _district in _town["districts"]:
        TOWN_INDEX.setdefault(_district, _t)


@dataclass(frozen=True)
class InjectedHotspot:
    service_id: int
    ward_code: str
    district: str
    sectors: tuple[int, ...]
    cases: int


def place_of(postcode: str) -> dict:
    """Ward, LSOA and decile of a demo postcode, as the demo directory would place it."""
    district, _, inward = postcode.partition(" ")
    t = TOWN_INDEX.get(district)
    if t is None or not inward[:1].isdigit():
        return {}
    sector = int(inward[0])
    ward = f"E0509{t:02d}{(sector - 1) // 3}"
    lsoa = f"E0109{t:02d}{sector:02d}"
    rank = random.Random(f"{demo_data.TOWNS[t]['districts'][0]}{sector}").randint(1, 32_844)
    return {
        "ward_code": ward,
        "ward_name": WARD_NAMES.get(ward, ""),
        "lsoa_code": lsoa,
        "imd_decile": imd_decile(rank, lsoa),
    }


class Shaper:
    """Called by generate_cases for every case it builds; changes it in place."""

    def __init__(
        self, rng: random.Random, now: datetime, services: list[Service], count: int, spots: int
    ) -> None:
        self.rng, self.now = rng, now
        self.services = {s.pk: s for s in services}
        self.chase_rate = {s.pk: rng.choice([0.02, 0.04, 0.06, 0.1, 0.25]) for s in services}
        recent_end = week_of(now)
        self.recent_start = recent_end - timedelta(weeks=hotspots.RECENT_WEEKS)
        pairs = max(1, len(services) * len(WARD_NAMES))
        expected = count * hotspots.RECENT_WEEKS / (3 * 52) / pairs
        size = max(hotspots.MIN_COUNT + 6, int(3 * expected) + 12)
        self.injected: list[InjectedHotspot] = []
        chosen = rng.sample(sorted(self.services), k=min(spots, len(self.services)))
        for service_id in chosen:
            t = rng.randrange(len(demo_data.TOWNS))
            part = rng.randrange(len(demo_places.WARD_PARTS))
            sectors = tuple(range(3 * part + 1, 3 * part + 4))
            district = demo_data.TOWNS[t]["districts"][0]
            ward = f"E0509{t:02d}{part}"
            self.injected.append(InjectedHotspot(service_id, ward, district, sectors, size))
        self._queue = [spot for spot in self.injected for _ in range(spot.cases)]

    def _seasonal_age(self, age: float) -> float:
        """Keep the case's age band, but thin out summer and weekends (winter peaks)."""
        for _ in range(20):
            created = self.now - timedelta(days=age)
            season = 1 + 0.35 * math.cos(2 * math.pi * (created.timetuple().tm_yday - 15) / 365)
            weekday = (1.4, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3)[created.weekday()]
            if self.rng.random() < season * weekday / (1.35 * 1.4):
                return age
            age = self.rng.uniform(max(0.0, age - 30), age + 30)
        return age

    def _close_long_ago(self, case: Case) -> None:
        """An open case from the base generator becomes one received and closed earlier."""
        back = timedelta(days=self.rng.uniform(OPEN_WINDOW_DAYS + 5, 3 * 365))
        took = timedelta(days=self.rng.uniform(0.1, 20))
        for field in ("created_at", "updated_at", "routed_at", "sla_due_at"):
            if getattr(case, field):
                setattr(case, field, getattr(case, field) - back)
        case.created_at = case.created_at or self.now - back
        case.resolved_at = case.closed_at = case.updated_at = case.created_at + took
        case.status, case.outcome, case.assignee_id = Status.CLOSED, Outcome.RESOLVED, None
        service = self.services[case.service_id] if case.service_id else None
        case.department_id = case.department_id or (service.department_id if service else None)
        case.routed_at = case.routed_at or case.created_at

    def shape(self, case: Case, contact: Contact, event: CaseEvent) -> list[Contact]:
        rng = self.rng
        created = original = case.created_at
        if self._queue:
            spot = self._queue.pop()
            service = self.services[spot.service_id]
            case.service_id, case.department_id = service.pk, service.department_id
            case.postcode_district = spot.district
            letters = demo_data._INWARD_LETTERS
            case.postcode = (
                f"{spot.district} {rng.choice(spot.sectors)}{rng.choice(letters)}"
                f"{rng.choice(letters)}"
            )
            start = datetime.combine(self.recent_start, datetime.min.time(), self.now.tzinfo)
            new_created = start + timedelta(days=rng.uniform(0.2, 7 * hotspots.RECENT_WEEKS - 0.5))
        else:
            if case.resolved_at is None and rng.random() < 0.85:
                self._close_long_ago(case)  # demand is steady: most cases are old and finished
                created = case.created_at
            age = (self.now - created).total_seconds() / 86400
            if case.resolved_at is not None and age < OPEN_WINDOW_DAYS:
                age = rng.uniform(OPEN_WINDOW_DAYS, 3 * 365)  # the recent weeks are the open cases'
            age = self._seasonal_age(age)
            if case.resolved_at is not None:
                age = max(age, OPEN_WINDOW_DAYS + rng.uniform(0, 5))
            new_created = self.now - timedelta(days=age)
        shift = new_created - created
        for field in ("created_at", "updated_at", "routed_at", "resolved_at", "closed_at"):
            if getattr(case, field):
                setattr(case, field, getattr(case, field) + shift)
        if case.sla_due_at:
            case.sla_due_at += shift
        for row in (contact, event):  # they were made at the generator's original time
            row.created_at = row.created_at + (new_created - original)
        contact.occurred_at = contact.created_at
        case.__dict__.update(place_of(case.postcode))
        deprived = (case.imd_decile or 10) <= 3
        if deprived and case.channel == Channel.WEB and rng.random() < 0.25:
            case.channel = contact.channel = rng.choice([Channel.PHONE, Channel.FACE_TO_FACE])
            contact.assisted_digital = rng.random() < 0.5
            contact.assisted_digital_reason = (
                rng.choice([AssistedDigitalReason.NO_INTERNET, AssistedDigitalReason.CONFIDENCE])
                if contact.assisted_digital
                else ""
            )
        extra: list[Contact] = []
        rate = self.chase_rate.get(case.service_id or 0, 0.05)
        while rng.random() < rate and len(extra) < 3:
            when = case.created_at + timedelta(days=rng.uniform(1, 10))
            if when > self.now:
                break
            channel = rng.choice([Channel.PHONE, Channel.PHONE, Channel.EMAIL, Channel.WEB])
            extra.append(
                Contact(
                    case_id=case.pk,
                    resident_id=case.resident_id,
                    channel=channel,
                    direction=Direction.INBOUND,
                    body="Chasing: any news?",
                    occurred_at=when,
                    created_at=when,
                    is_chaser=True,
                )
            )
        return extra
