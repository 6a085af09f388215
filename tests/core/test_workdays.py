"""Working days under the State Council's holiday arrangement (调休)."""

import datetime as dt
import json
from typing import Any

import pytest

from jixiao.core.data import read_data
from jixiao.core.workdays import (
    HolidayCalendar,
    add_working_days,
    is_working_day,
    shipped_calendar,
    working_days_between,
)

CAL_2026 = shipped_calendar(2026)
D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 1), False),  # 元旦
        (D(2026, 1, 2), False),  # a Friday off in the 元旦 arrangement
        (D(2026, 1, 4), True),  # Sunday worked (调休上班)
        (D(2026, 1, 5), True),
        (D(2026, 1, 10), False),  # an ordinary Saturday
        (D(2026, 2, 14), True),  # Saturday worked before 春节
        (D(2026, 2, 23), False),  # 正月初七, a Monday off
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday worked after 春节
        (D(2026, 4, 6), False),  # 清明 Monday
        (D(2026, 5, 9), True),
        (D(2026, 6, 19), False),  # 端午
        (D(2026, 9, 20), True),  # Sunday worked before 国庆
        (D(2026, 9, 25), False),  # 中秋
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),
    ],
)
def test_is_working_day_2026(day: dt.date, working: bool) -> None:
    assert is_working_day(day, CAL_2026) is working


def test_an_empty_calendar_knows_only_weekends() -> None:
    empty = HolidayCalendar()
    assert is_working_day(D(2026, 1, 1), empty)
    assert not is_working_day(D(2026, 1, 4), empty)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 1, 5), 0, D(2026, 1, 5)),
        (D(2026, 1, 5), 1, D(2026, 1, 6)),
        (D(2026, 1, 9), 1, D(2026, 1, 12)),  # Friday + 1 → Monday
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # the Saturday before 春节 is worked
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # then nine days off
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # over 国庆
        # a decision on 30 April with 10 working days (川财绩〔2025〕10号) is due on 18 May
        (D(2026, 4, 30), 10, D(2026, 5, 18)),
        (D(2026, 1, 3), 1, D(2026, 1, 4)),  # counting from a holiday
        (D(2026, 1, 5), -1, D(2026, 1, 4)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
    ],
)
def test_add_working_days(start: dt.date, n: int, due: dt.date) -> None:
    assert add_working_days(start, n, CAL_2026) == due


@pytest.mark.parametrize(
    ("a", "b", "days"),
    [
        (D(2026, 1, 5), D(2026, 1, 5), 0),
        (D(2026, 1, 5), D(2026, 1, 9), 4),
        (D(2026, 2, 13), D(2026, 2, 24), 2),
        (D(2026, 2, 24), D(2026, 2, 13), -2),
        (D(2026, 9, 30), D(2026, 10, 8), 1),
    ],
)
def test_working_days_between(a: dt.date, b: dt.date, days: int) -> None:
    assert working_days_between(a, b, CAL_2026) == days


@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 30])
@pytest.mark.parametrize("start", [D(2026, 1, 1), D(2026, 2, 13), D(2026, 4, 30), D(2026, 9, 19), D(2026, 10, 3)])
def test_between_undoes_add(start: dt.date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n, CAL_2026), CAL_2026) == n


def test_2026_has_the_statutory_number_of_working_days() -> None:
    # 261 weekdays less the 13 statutory days off (调休 moves days, it does not add any)
    year = working_days_between(D(2025, 12, 31), D(2026, 12, 31), CAL_2026)
    assert year == 261 - 13
    assert len(CAL_2026.holidays) == 33
    assert len(CAL_2026.workdays) == 6


def test_2027_is_provisional_and_lists_only_statutory_days() -> None:
    data = json.loads(read_data("monitoring/holidays-2027.json"))
    assert data["status"] == "provisional"
    assert "须按通知核对" in data["note"]
    calendar = shipped_calendar(2027)
    assert len(calendar.holidays) == 13
    assert calendar.workdays == frozenset()
    both = shipped_calendar(2026, 2027)
    assert add_working_days(D(2026, 12, 31), 1, both) == D(2027, 1, 4)  # over 元旦 and a weekend


def test_unknown_year_is_refused() -> None:
    with pytest.raises(ValueError, match="2030"):
        shipped_calendar(2030)


def calendar_data(holidays: list[str], workdays: list[str], year: Any = 2026) -> dict[str, Any]:
    return {
        "year": year,
        "holidays": [{"name": "节", "dates": holidays}],
        "workdays": [{"name": "节", "dates": workdays}],
    }


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (calendar_data(["2026-01-01"], ["2026-01-01"]), "既是放假日又是调休上班日"),
        (calendar_data([], ["2026-01-05"]), "不是周六或周日"),
        (calendar_data(["2027-01-01"], []), "不在 2026 年"),
        (calendar_data(["2026/01/01"], []), "YYYY-MM-DD"),
        (calendar_data([], [], year="2026"), "year"),
        ({"year": 2026, "holidays": {}}, "列表"),
        ({"year": 2026, "holidays": [{"name": "节"}]}, "dates"),
        ([], "JSON 对象"),
    ],
)
def test_bad_calendar_data_is_refused(data: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        HolidayCalendar.from_data(data)
