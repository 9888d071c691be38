"""Mainland China's public holidays and make-up working days, from ``chinesecalendar`` and
``holidays`` (never typed in by hand).

``chinesecalendar`` holds the official arrangement the State Council publishes each year,
make-up working days included, for the years it knows; for later years ``holidays.China``
gives the statutory holidays only, and the administrator adds the make-up days when the
arrangement is announced. The seeding migration uses :func:`official_days`: keep it stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hdcore.i18n import _

HOLIDAY = "holiday"
WORKDAY = "workday"
#: ``source`` of days from the official arrangement, and of statutory holidays only.
OFFICIAL = "official"
STATUTORY = "statutory"


#: The default calendar's name; stored in English and shown in the viewer's language.
DEFAULT_CALENDAR = _("Mainland China")
#: The holidays' names, stored in English (translated when shown), by their Chinese names.
NAMES = {
    "元旦": _("New Year's Day"),
    "农历除夕": _("Spring Festival Eve"),
    "春节": _("Spring Festival"),
    "清明": _("Tomb-sweeping Day"),
    "清明节": _("Tomb-sweeping Day"),
    "劳动节": _("Labour Day"),
    "端午": _("Dragon Boat Festival"),
    "端午节": _("Dragon Boat Festival"),
    "中秋": _("Mid-autumn Festival"),
    "中秋节": _("Mid-autumn Festival"),
    "国庆节": _("National Day"),
}


def _name(chinese: str, fallback: str) -> str:
    """A holiday's stored name: the English one the catalogs translate, else the library's."""
    name = NAMES.get(chinese.replace("（补假）", "").strip())
    return name.msgid if name is not None else fallback


@dataclass(frozen=True)
class OfficialDay:
    """A holiday or make-up working day, with its name (Chinese and English) and source."""

    day: date
    kind: str
    name: str
    source: str


def official_days(year: int) -> list[OfficialDay]:
    """The year's holidays and make-up days: the official arrangement when known, else the
    statutory holidays (without make-up days), in date order. Names are English (the
    catalogs translate them when they are shown)."""
    try:
        return _arrangement(year)
    except NotImplementedError:
        return _statutory(year)


def has_arrangement(year: int) -> bool:
    """Whether the official arrangement (with make-up days) of ``year`` is known."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _arrangement(year: int) -> list[OfficialDay]:
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {h.value: h.chinese for h in Holiday}
    out = []
    day = date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        label = _name(chinese.get(name, ""), name) if name else ""
        if on_holiday and name:
            out.append(OfficialDay(day, HOLIDAY, label, OFFICIAL))
        elif not on_holiday and day.weekday() >= 5:
            out.append(OfficialDay(day, WORKDAY, label, OFFICIAL))
        day += timedelta(days=1)
    return out


def _statutory(year: int) -> list[OfficialDay]:
    import holidays

    english = holidays.China(years=year, language="en_US")
    chinese = holidays.China(years=year, language="zh_CN")
    return [OfficialDay(day, HOLIDAY, _name(chinese.get(day, ""), english[day]), STATUTORY)
            for day in sorted(english)]
