"""Working-time SLA arithmetic: fixed dates, no Django, no database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from enquiries.sla import OfficeHours, WorkingCalendar, bank_holidays

LONDON = ZoneInfo("Europe/London")
HOUR = 3600


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=LONDON)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


# --- the calendar itself ------------------------------------------------------------------


def test_office_hours_defaults_and_from_strings():
    hours = OfficeHours()
    assert (hours.start, hours.end, hours.tz) == (time(9), time(17), "Europe/London")
    assert hours.nominal_day_seconds == 8 * HOUR
    assert OfficeHours.from_strings("08:30", "16:30") == OfficeHours(time(8, 30), time(16, 30))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": time(17), "end": time(9)},
        {"start": time(9), "end": time(9)},
        {"tz": "Europe/Nowhere"},
        {"start": time(9, tzinfo=UTC)},
    ],
)
def test_office_hours_rejects_nonsense(kwargs):
    with pytest.raises(ValueError):
        OfficeHours(**kwargs)


def test_office_hours_from_strings_rejects_bad_format():
    with pytest.raises(ValueError, match="HH:MM"):
        OfficeHours.from_strings("9am", "17:00")


def test_unknown_subdivision_is_refused():
    with pytest.raises(ValueError, match="subdivision"):
        WorkingCalendar(subdiv="XXX")


def test_package_has_substitute_boxing_day_2026():
    closed = bank_holidays(2026)
    assert date(2026, 12, 25) in closed
    assert date(2026, 12, 26) in closed  # Saturday
    assert date(2026, 12, 28) in closed  # substitute day, Monday


def test_package_has_easter_2027():
    closed = bank_holidays(2027)
    assert date(2027, 3, 26) in closed  # Good Friday
    assert date(2027, 3, 29) in closed  # Easter Monday


@pytest.mark.parametrize("year", range(2024, 2032))
def test_wales_and_england_share_bank_holidays(year):
    assert bank_holidays(year, "WLS") == bank_holidays(year, "ENG")


def test_scotland_differs_so_the_comparison_means_something():
    assert date(2026, 1, 2) in bank_holidays(2026, "SCT")
    assert date(2026, 1, 2) not in bank_holidays(2026, "ENG")


def test_welsh_calendar_gives_identical_due_dates():
    eng, wls = WorkingCalendar(subdiv="ENG"), WorkingCalendar(subdiv="WLS")
    for start in [at(2026, 12, 24, 10), at(2027, 3, 25, 12), at(2026, 5, 22, 16)]:
        assert eng.add_working_days(start, 3) == wls.add_working_days(start, 3)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 9), True),  # Friday
        (date(2026, 1, 10), False),  # Saturday
        (date(2026, 1, 11), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), False),  # substitute Boxing Day
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
    ],
)
def test_is_working_day(cal, day, working):
    assert cal.is_working_day(day) is working


def test_is_working_day_uses_local_date_of_aware_datetime(cal):
    # 23:30 UTC on Friday 12 June 2026 is 00:30 on Saturday in London.
    assert cal.is_working_day(datetime(2026, 6, 12, 22, 30, tzinfo=UTC)) is True
    assert cal.is_working_day(datetime(2026, 6, 12, 23, 30, tzinfo=UTC)) is False


def test_extra_closures_close_the_council():
    closures = [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    cal = WorkingCalendar(extra_closures=closures)
    assert not cal.is_working_day(date(2026, 12, 30))
    # Christmas Eve: 25 (holiday), 26-27 (weekend), 28 (substitute), 29-31 (closure),
    # 1 Jan 2027 (holiday), 2-3 (weekend) -> first working day after is Monday 4 January.
    assert cal.add_working_days(at(2026, 12, 24, 10), 1) == at(2027, 1, 4, 17)


def test_holidays_loaded_lazily_per_year():
    calls = []

    def source(year):
        calls.append(year)
        return [date(year, 7, 1)]

    cal = WorkingCalendar(holiday_source=source)
    assert calls == []
    assert not cal.is_working_day(date(2031, 7, 1))  # a Tuesday, closed by our source
    assert cal.is_working_day(date(2031, 7, 2))
    assert calls == [2031]
    cal.add_working_days(at(2032, 6, 30, 10), 1)  # 2032-07-01 is Thursday, closed
    assert calls == [2031, 2032]


def test_default_calendar_extends_into_far_years(cal):
    assert not cal.is_working_day(date(2040, 12, 25))


def test_next_working_day_and_office_window(cal):
    assert cal.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    start, end = cal.office_window(date(2026, 7, 1))
    assert (start, end) == (at(2026, 7, 1, 9), at(2026, 7, 1, 17))


# --- add_working_days ---------------------------------------------------------------------


def test_friday_afternoon_plus_one_day_is_monday_close(cal):
    assert cal.add_working_days(at(2026, 1, 9, 16), 1) == at(2026, 1, 12, 17)


def test_christmas_eve_skips_christmas_boxing_day_and_substitute(cal):
    assert cal.add_working_days(at(2026, 12, 24, 10), 1) == at(2026, 12, 29, 17)


def test_christmas_eve_after_hours_starts_on_29th(cal):
    assert cal.add_working_days(at(2026, 12, 24, 18), 0) == at(2026, 12, 29, 17)
    assert cal.add_working_days(at(2026, 12, 24, 18), 1) == at(2026, 12, 30, 17)


def test_easter_2027_is_skipped(cal):
    # Maundy Thursday -> Good Friday, weekend, Easter Monday skipped -> Tuesday.
    due = cal.add_working_days(at(2027, 3, 25, 11), 1)
    assert due == at(2027, 3, 30, 17)
    assert due.utcoffset() == timedelta(hours=1)  # clocks also went forward on 28 March


def test_sunday_late_night_submission_starts_monday_morning(cal):
    sunday_23 = at(2026, 1, 11, 23)
    assert cal.clock_start(sunday_23) == at(2026, 1, 12, 9)
    assert cal.add_working_days(sunday_23, 0) == at(2026, 1, 12, 17)
    assert cal.add_working_days(sunday_23, 1) == at(2026, 1, 13, 17)
    assert cal.add_working_hours(sunday_23, 2) == at(2026, 1, 12, 11)


def test_utc_input_is_judged_in_london_time(cal):
    # 16:30 UTC on a summer Friday is 17:30 BST: after hours, so the clock starts Monday.
    assert cal.add_working_days(datetime(2026, 6, 12, 16, 30, tzinfo=UTC), 0) == at(2026, 6, 15, 17)
    # The same UTC time in winter is 16:30 GMT: still in office hours.
    assert cal.add_working_days(datetime(2026, 1, 9, 16, 30, tzinfo=UTC), 0) == at(2026, 1, 9, 17)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 1, 12, 8), at(2026, 1, 12, 17)),  # before opening: same day
        (at(2026, 1, 12, 10), at(2026, 1, 12, 17)),  # during hours: same day
        (at(2026, 1, 12, 16, 59, 59), at(2026, 1, 12, 17)),
        (at(2026, 1, 12, 17), at(2026, 1, 13, 17)),  # at closing: clock starts tomorrow
        (at(2026, 1, 12, 18), at(2026, 1, 13, 17)),  # after hours: next working day
        (at(2026, 1, 9, 18), at(2026, 1, 12, 17)),  # Friday evening: Monday
        (at(2026, 1, 10, 12), at(2026, 1, 12, 17)),  # Saturday: Monday
    ],
)
def test_zero_day_sla(cal, received, due):
    assert cal.due_date(received, 0) == due


def test_results_are_in_london_zone(cal):
    due = cal.add_working_days(datetime(2026, 1, 9, 12, tzinfo=UTC), 2)
    assert due.tzinfo == LONDON


def test_negative_days_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(at(2026, 1, 9, 12), -1)


# --- add_working_hours / working_seconds_between ------------------------------------------


def test_add_working_hours_rolls_over_the_weekend(cal):
    assert cal.add_working_hours(at(2026, 1, 9, 16), 2) == at(2026, 1, 12, 10)
    assert cal.add_working_hours(at(2026, 1, 9, 16), 0.5) == at(2026, 1, 9, 16, 30)


def test_add_working_hours_landing_at_close_stays_at_close(cal):
    assert cal.add_working_hours(at(2026, 1, 12, 9), 8) == at(2026, 1, 12, 17)
    assert cal.add_working_hours(at(2026, 1, 12, 9), 16) == at(2026, 1, 13, 17)


def test_add_zero_hours_moves_to_clock_start(cal):
    assert cal.add_working_hours(at(2026, 1, 12, 11), 0) == at(2026, 1, 12, 11)
    assert cal.add_working_hours(at(2026, 1, 12, 20), 0) == at(2026, 1, 13, 9)


def test_add_working_seconds_refuses_negative(cal):
    with pytest.raises(ValueError):
        cal.add_working_seconds(at(2026, 1, 12, 11), -1)
    with pytest.raises(ValueError):
        cal.add_working_hours(at(2026, 1, 12, 11), -0.5)


def test_working_seconds_between_counts_office_hours_only(cal):
    assert cal.working_seconds_between(at(2026, 1, 9, 16), at(2026, 1, 12, 10)) == 2 * HOUR
    assert cal.working_seconds_between(at(2026, 1, 12, 9), at(2026, 1, 16, 17)) == 40 * HOUR
    assert cal.working_seconds_between(at(2026, 1, 10, 9), at(2026, 1, 11, 17)) == 0
    assert cal.working_seconds_between(at(2026, 1, 12, 18), at(2026, 1, 13, 8)) == 0


def test_working_seconds_between_is_signed(cal):
    assert cal.working_seconds_between(at(2026, 1, 12, 10), at(2026, 1, 9, 16)) == -2 * HOUR


def test_working_seconds_over_christmas_2026(cal):
    # 24 Dec 09:00 -> 29 Dec 17:00 is two working days.
    assert cal.working_seconds_between(at(2026, 12, 24, 9), at(2026, 12, 29, 17)) == 16 * HOUR


# --- DST ----------------------------------------------------------------------------------


def test_clocks_going_forward_weekend(cal):
    friday = at(2026, 3, 27, 16)  # GMT
    monday = at(2026, 3, 30, 10)  # BST
    assert friday.utcoffset() == timedelta(0)
    assert monday.utcoffset() == timedelta(hours=1)
    assert cal.working_seconds_between(friday, monday) == 2 * HOUR
    assert cal.add_working_hours(friday, 2) == monday
    due = cal.add_working_days(friday, 1)
    assert due == at(2026, 3, 30, 17)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 16, tzinfo=UTC)


def test_clocks_going_back_weekend(cal):
    friday = at(2026, 10, 23, 16)  # BST
    monday = at(2026, 10, 26, 10)  # GMT
    assert cal.working_seconds_between(friday, monday) == 2 * HOUR
    result = cal.add_working_hours(friday, 2)
    assert result == monday
    assert result.utcoffset() == timedelta(0)
    assert cal.add_working_days(friday, 1).astimezone(UTC) == datetime(2026, 10, 26, 17, tzinfo=UTC)


def test_dst_across_mixed_zone_inputs(cal):
    # Same instants expressed in UTC give the same answer.
    a = datetime(2026, 3, 27, 16, tzinfo=UTC)  # 16:00 GMT
    b = datetime(2026, 3, 30, 9, tzinfo=UTC)  # 10:00 BST
    assert cal.working_seconds_between(a, b) == 2 * HOUR


# --- due_date and pausing -----------------------------------------------------------------


def test_due_date_without_pause(cal):
    assert cal.due_date(at(2026, 1, 12, 10), 5) == at(2026, 1, 19, 17)


@pytest.mark.parametrize(
    ("paused", "due"),
    [
        (0, at(2026, 1, 19, 17)),
        (2 * HOUR, at(2026, 1, 20, 11)),
        (8 * HOUR, at(2026, 1, 20, 17)),
        (9 * HOUR, at(2026, 1, 21, 10)),
    ],
)
def test_pause_extends_due_date_in_working_time(cal, paused, due):
    assert cal.due_date(at(2026, 1, 12, 10), 5, paused_seconds=paused) == due


def test_pause_pushes_due_date_over_a_bank_holiday(cal):
    # Due Thursday 24 Dec 2026 17:00; one paused working hour -> Tuesday 29 Dec 10:00.
    received = at(2026, 12, 23, 10)
    assert cal.due_date(received, 1) == at(2026, 12, 24, 17)
    assert cal.due_date(received, 1, paused_seconds=HOUR) == at(2026, 12, 29, 10)


def test_pause_measured_with_working_seconds_round_trips(cal):
    received = at(2026, 1, 12, 10)
    # The case waited for the resident from Wednesday 15:00 to the following Monday 11:00.
    paused = cal.working_seconds_between(at(2026, 1, 14, 15), at(2026, 1, 19, 11))
    assert paused == (2 + 8 + 8 + 2) * HOUR
    assert cal.due_date(received, 5, paused_seconds=paused) == at(2026, 1, 22, 13)


def test_negative_pause_refused(cal):
    with pytest.raises(ValueError):
        cal.due_date(at(2026, 1, 12, 10), 5, paused_seconds=-1)


# --- sla_state ----------------------------------------------------------------------------

START = at(2026, 1, 12, 9)  # Monday
DUE = at(2026, 1, 16, 17)  # Friday: 40 working hours later


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (START, "on_track"),
        (at(2026, 1, 14, 12), "on_track"),
        (at(2026, 1, 15, 17), "on_track"),  # 80% used, but exactly one working day left
        (at(2026, 1, 16, 9), "on_track"),  # overnight is not working time
        (at(2026, 1, 16, 9, 0, 1), "due_soon"),  # less than one working day left
        (at(2026, 1, 16, 12), "due_soon"),
        (DUE, "due_soon"),  # due at 17:00 means by 17:00
        (DUE + timedelta(seconds=1), "breached"),
        (at(2026, 1, 19, 9), "breached"),
    ],
)
def test_sla_state_is_due_soon_with_less_than_one_working_day_left(cal, now, state):
    """One definition (ADR 0016): the share of the window used no longer matters."""
    assert cal.sla_state(now, DUE, START) == state
    assert cal.sla_state(now, DUE) == state


def test_sla_state_agrees_with_the_due_soon_line(cal):
    """The worklist filters on due_soon_until; a single case is judged by the same instant."""
    now = at(2026, 1, 15, 11)
    line = cal.due_soon_until(now)
    assert line == at(2026, 1, 16, 11)
    assert cal.sla_state(now, line) == "on_track"
    assert cal.sla_state(now, line - timedelta(seconds=1)) == "due_soon"


def test_sla_state_weekend_does_not_count(cal):
    due = at(2026, 1, 12, 17)  # Monday
    start = at(2026, 1, 5, 9)
    assert cal.sla_state(at(2026, 1, 9, 16), due, start) == "on_track"
    assert cal.sla_state(at(2026, 1, 10, 12), due, start) == "on_track"
    assert cal.sla_state(at(2026, 1, 12, 9, 30), due, start) == "due_soon"


def test_sla_state_takes_the_number_of_working_days(cal):
    assert cal.sla_state(at(2026, 1, 14, 16, 59), DUE, due_soon_days=2) == "on_track"
    assert cal.sla_state(at(2026, 1, 15, 9), DUE, due_soon_days=2) == "on_track"
    assert cal.sla_state(at(2026, 1, 15, 9, 0, 1), DUE, due_soon_days=2) == "due_soon"


def test_sla_state_degenerate_window_is_due_soon(cal):
    due = at(2026, 1, 12, 17)
    assert cal.sla_state(at(2026, 1, 12, 17), due, due, due_soon_days=0) == "due_soon"


def test_sla_state_validates_arguments(cal):
    with pytest.raises(ValueError):
        cal.sla_state(START, DUE, START, due_soon_days=-1)
    with pytest.raises(ValueError):
        cal.sla_state(START, DUE.replace(tzinfo=None))


# --- halfway_point ------------------------------------------------------------------------


def test_halfway_point_simple(cal):
    assert cal.halfway_point(START, DUE) == at(2026, 1, 14, 13)


def test_halfway_point_over_weekend(cal):
    # Friday 13:00 -> Monday 17:00 = 4h + 8h = 12h; halfway = 6h in -> Monday 11:00.
    assert cal.halfway_point(at(2026, 1, 9, 13), at(2026, 1, 12, 17)) == at(2026, 1, 12, 11)


def test_halfway_point_after_hours_start(cal):
    # Friday 18:00 -> Tuesday 17:00 = 16 working hours; halfway = Monday 17:00.
    assert cal.halfway_point(at(2026, 1, 9, 18), at(2026, 1, 13, 17)) == at(2026, 1, 12, 17)


def test_halfway_point_never_after_due(cal):
    moment = at(2026, 1, 10, 12)  # Saturday: no working time at all
    assert cal.halfway_point(moment, moment) == moment


def test_halfway_point_refuses_reversed_window(cal):
    with pytest.raises(ValueError):
        cal.halfway_point(DUE, START)


# --- naive datetimes ----------------------------------------------------------------------

NAIVE = datetime(2026, 1, 12, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add_working_days(NAIVE, 1),
        lambda c: c.add_working_hours(NAIVE, 1),
        lambda c: c.working_seconds_between(NAIVE, DUE),
        lambda c: c.working_seconds_between(START, NAIVE),
        lambda c: c.due_date(NAIVE, 5),
        lambda c: c.sla_state(NAIVE, DUE, START),
        lambda c: c.sla_state(START, NAIVE, START),
        lambda c: c.sla_state(START, DUE, NAIVE),
        lambda c: c.halfway_point(NAIVE, DUE),
        lambda c: c.is_working_day(NAIVE),
    ],
)
def test_naive_datetimes_are_refused_clearly(cal, call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(cal)
