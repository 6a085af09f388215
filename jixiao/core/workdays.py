"""Working days (工作日) under China's holiday arrangement, for deadlines such as 川财绩〔2025〕10号's
"10 working days to decide on a warned project".

A working day is a Monday to Friday that is not a holiday, or a weekend day the State Council
moved work to (调休上班日). The calendar is data: the shipped years
(``data/monitoring/holidays-<year>.json``) seed the database, where the performance office keeps
it up to date; the functions here take the calendar as an argument and never guess a holiday.
"""

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jixiao.core.data import read_data

_SATURDAY = 5
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class HolidayCalendar:
    """Holidays (放假日, including the bridging days of an arrangement) and make-up working days."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"日期 {_dates(both)} 不能既是放假日又是调休上班日")
        weekdays = {day for day in self.workdays if day.weekday() < _SATURDAY}
        if weekdays:
            raise ValueError(f"调休上班日 {_dates(weekdays)} 不是周六或周日")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "HolidayCalendar":
        """Read ``{"year", "holidays": [{"name", "dates"}], "workdays": [{"name", "dates"}]}``."""
        if not isinstance(data, Mapping):
            raise ValueError("节假日安排应为 JSON 对象")
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError("节假日安排的年度「year」应为整数")
        holidays = _read_dates(data, "holidays", year)
        workdays = _read_dates(data, "workdays", year)
        return cls(holidays=frozenset(holidays), workdays=frozenset(workdays))

    def merged(self, other: "HolidayCalendar") -> "HolidayCalendar":
        """This calendar and another year's together."""
        return HolidayCalendar(holidays=self.holidays | other.holidays, workdays=self.workdays | other.workdays)


def _dates(days: Iterable[dt.date]) -> str:
    return "、".join(day.isoformat() for day in sorted(days))


def _read_dates(data: Mapping[str, Any], key: str, year: int) -> set[dt.date]:
    groups = data.get(key, [])
    if not isinstance(groups, list):
        raise ValueError(f"节假日安排「{key}」应为列表")
    days: set[dt.date] = set()
    for group in groups:
        if not isinstance(group, Mapping) or not isinstance(group.get("dates"), list):
            raise ValueError(f"节假日安排「{key}」的每一项应含 name 和 dates 列表")
        for text in group["dates"]:
            try:
                day = dt.date.fromisoformat(text)
            except (TypeError, ValueError):
                raise ValueError(f"节假日安排「{key}」中的「{text}」不是 YYYY-MM-DD 格式的日期") from None
            if day.year != year:
                raise ValueError(f"节假日安排「{key}」中的 {day.isoformat()} 不在 {year} 年")
            days.add(day)
    return days


def shipped_calendar(*years: int) -> HolidayCalendar:
    """The arrangements shipped with Jixiao for ``years`` (2026 official, 2027 statutory days only)."""
    calendar = HolidayCalendar()
    for year in years:
        try:
            text = read_data(f"monitoring/holidays-{year}.json")
        except FileNotFoundError:
            raise ValueError(f"没有 {year} 年的节假日安排") from None
        calendar = calendar.merged(HolidayCalendar.from_data(json.loads(text)))
    return calendar


def is_working_day(day: dt.date, calendar: HolidayCalendar) -> bool:
    if day in calendar.workdays:
        return True
    return day.weekday() < _SATURDAY and day not in calendar.holidays


def add_working_days(start: dt.date, n: int, calendar: HolidayCalendar) -> dt.date:
    """The day ``n`` working days after ``start``; ``start`` itself does not count.

    A decision taken on a Friday with 1 working day to act is due on Monday (or on the next
    working day after a holiday). ``n`` = 0 is ``start``; a negative ``n`` counts backwards.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day = start
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, calendar):
            remaining -= 1
    return day


def working_days_between(a: dt.date, b: dt.date, calendar: HolidayCalendar) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    For ``n`` ≥ 0 it undoes ``add_working_days``: ``working_days_between(a, add_working_days(a, n)) == n``.
    """
    if b < a:
        return -working_days_between(b, a, calendar)
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if is_working_day(day, calendar):
            count += 1
    return count
