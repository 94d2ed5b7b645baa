"""Working-time arithmetic for service-level agreements (England and Wales).

Residents are promised answers in *working* days, so every SLA sum here skips weekends,
bank holidays and council closure days, and only counts office hours. The module is pure:
no Django, no settings, no database. A thin caller builds a :class:`WorkingCalendar` from
settings and passes datetimes in.

Conventions (all deliberate, all tested):

* Every datetime must be timezone-aware; naive input raises ``ValueError``. Results come back
  in the calendar's zone (``Europe/London`` by default). Elapsed time is always measured in
  UTC, so the clocks changing (last Sunday of March and October) never adds or loses an hour.
* A case received outside office hours, or on a non-working day, starts its clock at the
  next working morning.
* ``add_working_days``: due at the *end* of office hours on the Nth working day after the day
  the clock starts. Friday 16:00 + 1 working day = Monday 17:00; a 0-day SLA is due at the
  end of the day the clock starts.
* ``sla_state``: ``breached`` strictly after ``due_at``; otherwise ``due_soon`` when less than
  ``due_soon_days`` (one office day by default; the portal passes DUE_SOON_WORKING_DAYS) of
  working time remains. There is no second, percentage-based rule (ADR 0016).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "OfficeHours",
    "SlaState",
    "WorkingCalendar",
    "bank_holidays",
]

SlaState = Literal["on_track", "due_soon", "breached"]

#: England and Wales share bank holidays; Scotland and Northern Ireland do not.
SUPPORTED_SUBDIVISIONS = ("ENG", "WLS", "SCT", "NIR")

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _parse_hhmm(value: str | time) -> time:
    """Accept "09:00"-style strings because that is how settings/env carry office hours."""
    if isinstance(value, time):
        return value
    match = _HHMM.match(value)
    if not match:
        raise ValueError(f"Office hours must look like 'HH:MM', got {value!r}")
    return time(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class OfficeHours:
    """When the council's clock runs on a working day (local wall-clock times)."""

    start: time = time(9)
    end: time = time(17)
    tz: str = "Europe/London"

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("OfficeHours start/end are wall-clock times: pass naive times")
        if self.start >= self.end:
            raise ValueError(f"Office hours must start before they end ({self.start}-{self.end})")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Unknown time zone {self.tz!r}") from exc

    @classmethod
    def from_strings(
        cls, start: str | time = "09:00", end: str | time = "17:00", tz: str = "Europe/London"
    ) -> OfficeHours:
        """Build from settings values such as ``OFFICE_HOURS_START = "09:00"``."""
        return cls(start=_parse_hhmm(start), end=_parse_hhmm(end), tz=tz)

    @property
    def nominal_day_seconds(self) -> int:
        """Length of a normal office day; the yardstick for "less than a day left"."""
        delta = datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)
        return int(delta.total_seconds())


def _check_subdiv(subdiv: str) -> None:
    if subdiv not in SUPPORTED_SUBDIVISIONS:
        allowed = ", ".join(SUPPORTED_SUBDIVISIONS)
        raise ValueError(f"Unknown UK subdivision {subdiv!r}; expected one of {allowed}")


def bank_holidays(year: int, subdiv: str = "ENG") -> frozenset[date]:
    """Bank holidays for one year from the offline ``holidays`` package (includes substitutes)."""
    _check_subdiv(subdiv)
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=year).keys())


class WorkingCalendar:
    """Office hours plus closed days, with the working-time sums the SLA code needs.

    ``holiday_source`` maps a year to its closed dates (default: GB bank holidays for
    ``subdiv``, England unless told otherwise); it is called lazily, once per year needed,
    so a calendar built today still works for cases that run into future years.
    ``extra_closures`` adds council-specific closure days (e.g. 29-31 December).
    Working days are Monday to Friday.
    """

    def __init__(
        self,
        hours: OfficeHours | None = None,
        *,
        subdiv: str = "ENG",
        extra_closures: Iterable[date] = (),
        holiday_source: Callable[[int], Iterable[date]] | None = None,
    ) -> None:
        self.hours = hours or OfficeHours()
        self.tz = ZoneInfo(self.hours.tz)
        if holiday_source is None:
            _check_subdiv(subdiv)
            self.subdiv: str | None = subdiv
            holiday_source = functools.partial(bank_holidays, subdiv=subdiv)
        else:
            self.subdiv = None
        self._holiday_source = holiday_source
        self.extra_closures = frozenset(_as_plain_date(d) for d in extra_closures)
        self._holidays_by_year: dict[int, frozenset[date]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar({self.hours!r}, subdiv={self.subdiv!r}, "
            f"extra_closures={len(self.extra_closures)})"
        )

    # -- days -----------------------------------------------------------------------------

    def _holidays(self, year: int) -> frozenset[date]:
        found = self._holidays_by_year.get(year)
        if found is None:
            found = frozenset(_as_plain_date(d) for d in self._holiday_source(year))
            self._holidays_by_year[year] = found
        return found

    def is_working_day(self, d: date | datetime) -> bool:
        """True on Monday-Friday unless a bank holiday or council closure day.

        An aware datetime is judged by its local date; a naive datetime is refused.
        """
        d = self._day(d)
        return d.weekday() < 5 and d not in self._holidays(d.year) and d not in self.extra_closures

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d`` (an aware datetime counts by local date)."""
        d = self._day(d)
        for _ in range(3660):  # ten years of closures would be a configuration mistake
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError("No working day found within ten years: check the closure dates")

    def office_window(self, d: date) -> tuple[datetime, datetime]:
        """Aware local (start, end) of office hours on date ``d`` (whether or not it is working)."""
        d = self._day(d)
        start = datetime.combine(d, self.hours.start, tzinfo=self.tz)
        end = datetime.combine(d, self.hours.end, tzinfo=self.tz)
        return start, end

    # -- instants -------------------------------------------------------------------------

    def _local(self, value: datetime, name: str = "datetime") -> datetime:
        if not isinstance(value, datetime):
            raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{name} must be timezone-aware (got naive {value.isoformat()}); "
                "SLA sums need to know the zone, e.g. use django.utils.timezone.now()"
            )
        return value.astimezone(self.tz)

    def _day(self, d: date | datetime) -> date:
        if isinstance(d, datetime):
            return self._local(d, "d").date()
        return _as_plain_date(d)

    def _from_utc(self, value: datetime) -> datetime:
        return value.astimezone(self.tz)

    def clock_start(self, moment: datetime) -> datetime:
        """The first working instant at or after ``moment`` (after hours -> next morning)."""
        local = self._local(moment, "moment")
        day = local.date()
        if self.is_working_day(day):
            start, end = self.office_window(day)
            if local < start:
                return start
            if local < end:
                return local
        return self.office_window(self.next_working_day(day))[0]

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """Move forward by ``seconds`` of office time; landing exactly at close returns 17:00.

        Zero seconds returns :meth:`clock_start` of ``start``.
        """
        if seconds < 0:
            raise ValueError("add_working_seconds only moves forward; seconds must be >= 0")
        pos = self.clock_start(start).astimezone(UTC)
        remaining = timedelta(seconds=seconds)
        day = pos.astimezone(self.tz).date()
        while True:
            end = self.office_window(day)[1].astimezone(UTC)
            available = end - pos
            if remaining <= available:
                return self._from_utc(pos + remaining)
            remaining -= available
            day = self.next_working_day(day)
            pos = self.office_window(day)[0].astimezone(UTC)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Move forward by ``hours`` of office time (fractions allowed, rounded to the second)."""
        if hours < 0:
            raise ValueError("add_working_hours only moves forward; hours must be >= 0")
        return self.add_working_seconds(start, round(hours * 3600))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Close of office hours on the ``days``-th working day after the clock starts.

        The clock starts on ``start``'s date if that is a working day and ``start`` is
        before closing time, else on the next working day. ``days=0`` is due at close that day.
        """
        if days < 0:
            raise ValueError("days must be >= 0")
        day = self.clock_start(start).date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self.office_window(day)[1]

    def working_seconds_between(self, a: datetime, b: datetime) -> int:
        """Office-hours seconds on working days in [a, b); negative if ``b`` is before ``a``."""
        a_local = self._local(a, "a")
        b_local = self._local(b, "b")
        if b_local < a_local:
            return -self.working_seconds_between(b_local, a_local)
        a_utc, b_utc = a_local.astimezone(UTC), b_local.astimezone(UTC)
        total = timedelta()
        day = a_local.date()
        last = b_local.date()
        while day <= last:
            if self.is_working_day(day):
                start, end = (t.astimezone(UTC) for t in self.office_window(day))
                lo, hi = max(start, a_utc), min(end, b_utc)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return int(total.total_seconds())

    # -- SLA ------------------------------------------------------------------------------

    def due_date(self, received_at: datetime, sla_days: int, paused_seconds: int = 0) -> datetime:
        """When a case is due: ``sla_days`` working days, pushed back by time spent paused.

        The clock stops while a case awaits the resident; those paused *working* seconds are
        added back onto the unpaused due date, in working time.
        """
        if paused_seconds < 0:
            raise ValueError("paused_seconds must be >= 0")
        due = self.add_working_days(received_at, sla_days)
        if paused_seconds:
            due = self.add_working_seconds(due, paused_seconds)
        return due

    def due_soon_until(self, now: datetime, working_days: float = 1) -> datetime:
        """The due-soon line: a case due before it has less than ``working_days`` of office time
        left. One instant for every case, so a database filter and a single case agree."""
        if working_days < 0:
            raise ValueError("working_days must be >= 0")
        return self.add_working_seconds(
            self._local(now, "now"), round(working_days * self.hours.nominal_day_seconds)
        )

    def sla_state(
        self,
        now: datetime,
        due_at: datetime,
        started_at: datetime | None = None,
        *,
        due_soon_days: float = 1,
    ) -> SlaState:
        """Classify a live case for dashboards and nudges.

        * ``breached``: ``now`` is strictly after ``due_at`` (due at 17:00 means "by 17:00").
        * ``due_soon``: ``due_at`` falls before :meth:`due_soon_until` (less than
          ``due_soon_days`` of working time left; one office day, 8h for 09:00-17:00, by default).
        * otherwise ``on_track``.

        ``started_at`` is accepted for callers that have it and checked for awareness only: how
        much of the window is used does not matter, only what is left (ADR 0016).
        """
        now_l = self._local(now, "now")
        due_l = self._local(due_at, "due_at")
        if started_at is not None:
            self._local(started_at, "started_at")
        if now_l > due_l:
            return "breached"
        if due_l < self.due_soon_until(now_l, due_soon_days):
            return "due_soon"
        return "on_track"

    def halfway_point(self, started_at: datetime, due_at: datetime) -> datetime:
        """Working-time midpoint, when a proactive "still on track" update is worth sending."""
        start_l = self._local(started_at, "started_at")
        due_l = self._local(due_at, "due_at")
        if due_l < start_l:
            raise ValueError("due_at is before started_at")
        total = self.working_seconds_between(start_l, due_l)
        return min(self.add_working_seconds(start_l, total // 2), due_l)


def _as_plain_date(d: date) -> date:
    """Strip datetimes to dates so set membership is exact (datetime != date)."""
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"Expected a date, got {type(d).__name__}")
    return d
