"""Business-time arithmetic: exact across nights, weekends, holidays, make-up days, lunch breaks
and zones, checked against a plain minute-by-minute count (property tests) and by hand."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hdcore.sla.calendar import (
    HOLIDAY,
    WORKDAY,
    CalendarError,
    DayOverride,
    WorkCalendar,
    parse_periods_text,
    periods_text,
)
from hdcore.sla.official_days import has_arrangement, official_days

MINUTE = timedelta(minutes=1)
SH = ZoneInfo("Asia/Shanghai")
OFFICE = parse_periods_text("08:30-12:00, 13:00-17:30")
#: Zones with odd offsets and daylight-saving changes inside the tested months.
ZONES = ("Asia/Shanghai", "UTC", "Asia/Kathmandu", "America/New_York", "Europe/Berlin",
         "Australia/Lord_Howe", "Pacific/Chatham")
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2026, 4, 30)

PROPERTY = settings(max_examples=120, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def china() -> WorkCalendar:
    """The default calendar, built from the same data the migration seeds."""
    overrides = {d.day: DayOverride(d.kind, d.name) for y in (2026, 2027)
                 for d in official_days(y)}
    return WorkCalendar(SH, (OFFICE,) * 5 + ((), ()), overrides, OFFICE, "Mainland China")


def at(text: str, zone: ZoneInfo = SH) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# -- the reference: count working minutes one by one ---------------------------------------


class Reference:
    """A minute is working time when it lies in a working period of its own or a nearby day."""

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal
        self.periods = functools.lru_cache(maxsize=None)(cal.periods_on)

    def working(self, minute: datetime) -> bool:
        day = self.cal.local_date(minute)
        return any(a <= minute < b for d in (day - timedelta(days=1), day, day + timedelta(days=1))
                   for a, b in self.periods(d))

    def between(self, start: datetime, end: datetime) -> int:
        count, m = 0, start
        while m < end:
            count += self.working(m)
            m += MINUTE
        return count

    def add(self, start: datetime, minutes: int) -> datetime:
        if minutes == 0:
            return start
        count, m = 0, start
        while True:
            if self.working(m):
                count += 1
                if count == minutes:
                    return m + MINUTE
            m += MINUTE


@st.composite
def periods(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    bounds = sorted(draw(st.lists(st.integers(0, 1440), unique=True, max_size=6)))
    return tuple((bounds[i], bounds[i + 1]) for i in range(0, len(bounds) - 1, 2))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    week = tuple(draw(periods()) for _ in range(7))
    if not any(week):
        week = (OFFICE, *week[1:])
    days = draw(st.dictionaries(
        st.dates(FIRST_DAY, LAST_DAY),
        st.one_of(st.just(DayOverride(HOLIDAY, "holiday")),
                  st.builds(DayOverride, st.just(WORKDAY), st.just("make-up"),
                            st.one_of(st.none(), periods().filter(bool)))),
        max_size=25))
    return WorkCalendar(ZoneInfo(draw(st.sampled_from(ZONES))), week, days,
                        draw(periods()), "random")


instants = st.datetimes(datetime(2026, 1, 2), datetime(2026, 4, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC))


@PROPERTY
@given(calendars(), instants, st.integers(0, 7 * 1440))
def test_business_minutes_between_match_the_minute_count(cal, start, length):
    end = start + length * MINUTE
    assert cal.minutes_between(start, end) == Reference(cal).between(start, end)


@PROPERTY
@given(calendars(), instants, st.integers(0, 2400))
def test_adding_business_minutes_matches_the_minute_count(cal, start, minutes):
    due = cal.add_minutes(start, minutes)
    assert due == Reference(cal).add(start, minutes)
    assert cal.minutes_between(start, due) == minutes  # adding and counting agree


@PROPERTY
@given(calendars(), instants, st.integers(1, 2400), st.integers(1, 2400))
def test_adding_in_two_steps_is_adding_once(cal, start, first, second):
    assert cal.add_minutes(cal.add_minutes(start, first), second) == \
        cal.add_minutes(start, first + second)


@PROPERTY
@given(calendars(), instants, st.integers(1, 5 * 1440), st.integers(1, 5 * 1440))
def test_business_time_adds_up_over_consecutive_stretches(cal, start, a, b):
    middle, end = start + a * MINUTE, start + (a + b) * MINUTE
    assert cal.business_between(start, middle) + cal.business_between(middle, end) == \
        cal.business_between(start, end)


@PROPERTY
@given(calendars(), instants, st.integers(0, 10))
def test_working_days_land_on_a_working_instant_of_a_working_day(cal, start, days):
    mark = cal.add_working_days(start, days)
    assert mark >= start and Reference(cal).working(mark)
    # exactly ``days`` working days lie strictly between the first and the last day
    first = cal.local_date(cal.next_working_instant(start))
    last = cal.local_date(mark)
    between = [first + timedelta(days=i) for i in range(1, (last - first).days)]
    assert sum(cal.is_working_day(d) for d in between) <= days


# -- by hand, on the mainland China calendar -------------------------------------------------


def test_the_official_2026_arrangement_has_its_make_up_saturdays():
    assert has_arrangement(2026) and not has_arrangement(2027)
    workdays = {d.day for d in official_days(2026) if d.kind == WORKDAY}
    assert {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
            date(2026, 9, 20), date(2026, 10, 10)} <= workdays
    spring = {d.day for d in official_days(2026) if d.kind == HOLIDAY
              and d.name == "Spring Festival"}
    assert date(2026, 2, 17) in spring
    statutory = {d.day: d for d in official_days(2027)}
    assert statutory[date(2027, 10, 1)].kind == HOLIDAY and "National Day" in \
        statutory[date(2027, 10, 1)].name
    assert all(d.kind == HOLIDAY and d.source == "statutory" for d in statutory.values())


@pytest.mark.parametrize(("start", "hours", "due"), [
    ("2026-12-01 09:00", 4, "2026-12-01 14:00"),  # over the lunch break
    ("2026-12-01 16:30", 2, "2026-12-02 09:30"),  # over the night
    ("2026-12-04 17:00", 1, "2026-12-07 09:00"),  # Friday evening to Monday morning
    ("2026-12-05 10:00", 1, "2026-12-07 09:30"),  # filed on a Saturday
    ("2026-02-13 16:00", 8, "2026-02-14 16:00"),  # the make-up Saturday before Spring Festival
    ("2026-02-14 17:00", 1, "2026-02-24 09:00"),  # then the whole holiday is skipped
    ("2026-09-30 17:00", 1, "2026-10-08 09:00"),  # the National Day week
    ("2027-09-30 17:00", 1, "2027-10-06 09:00"),  # 2027: statutory days only, as yet
])
def test_due_times_by_hand(start, hours, due):
    cal = china()
    assert cal.add_minutes(at(start), hours * 60) == at(due)
    assert cal.minutes_between(at(start), at(due)) == hours * 60


def test_instants_in_other_zones_mean_the_same_moment():
    cal = china()
    utc_start = at("2026-12-01 09:00").astimezone(UTC)
    assert utc_start.hour == 1
    assert cal.add_minutes(utc_start, 240) == at("2026-12-01 14:00")
    berlin = at("2026-12-01 02:00", ZoneInfo("Europe/Berlin"))  # 09:00 in Shanghai
    assert cal.add_minutes(berlin, 240) == at("2026-12-01 14:00")


def test_working_days_keep_the_time_of_day_and_skip_holidays():
    cal = china()
    assert cal.add_working_days(at("2026-12-07 10:00"), 2) == at("2026-12-09 10:00")
    assert cal.add_working_days(at("2026-12-04 15:00"), 2) == at("2026-12-08 15:00")
    assert cal.add_working_days(at("2026-12-05 11:00"), 2) == at("2026-12-09 08:30")
    assert cal.add_working_days(at("2026-12-07 20:00"), 1) == at("2026-12-09 08:30")
    assert cal.add_working_days(at("2026-02-12 10:00"), 2) == at("2026-02-14 10:00")  # make-up
    assert cal.add_working_days(at("2026-02-12 10:00"), 3) == at("2026-02-24 10:00")


def test_notable_days_name_holidays_weekends_and_make_up_days():
    notes = {n.day: n for n in china().notable_days(date(2026, 2, 13), date(2026, 2, 16))}
    assert date(2026, 2, 13) not in notes  # an ordinary Friday
    assert notes[date(2026, 2, 14)].kind == WORKDAY
    assert notes[date(2026, 2, 15)].kind == HOLIDAY and "Spring Festival" in \
        notes[date(2026, 2, 15)].name


def test_hours_are_checked_and_written_back():
    assert periods_text(parse_periods_text("13:00-17:30，08:30-12:00")) == \
        "08:30-12:00, 13:00-17:30"
    assert parse_periods_text("") == ()
    for bad in ("08:30", "12:00-08:00", "08:00-12:00, 11:00-13:00", "25:00-26:00"):
        with pytest.raises(CalendarError):
            parse_periods_text(bad)


def test_a_calendar_without_working_time_says_so():
    cal = WorkCalendar(SH, ((),) * 7, {}, (), "never")
    with pytest.raises(CalendarError, match="no working time"):
        cal.add_minutes(at("2026-12-01 09:00"), 1)
    with pytest.raises(CalendarError):
        cal.add_minutes(at("2026-12-01 09:00"), -1)
