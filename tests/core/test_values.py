"""Target cells as units write them: one meaning is read, anything else is a problem, never a guess."""

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.core.values import Target, normalize_symbol, parse_target

D = Decimal


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("≥", "≥"),
        (">=", "≥"),
        ("\u2267", "≥"),
        ("大于等于", "≥"),
        ("不低于", "≥"),
        ("不少于", "≥"),
        (" ≥ ", "≥"),
        ("≤", "≤"),
        ("<=", "≤"),
        ("\u2266", "≤"),
        ("不高于", "≤"),
        ("不超过", "≤"),
        ("小于等于", "≤"),
        ("=", "="),
        ("\ufe66", "="),
        ("\uff1d", "="),
        ("等于", "="),
        ("\uff1e", ">"),
        ("<", "<"),
        ("定性", "定性"),
        ("正向", None),
        ("", None),
        ("约", None),
    ],
)
def test_normalize_symbol(text: str, symbol: str | None) -> None:
    assert normalize_symbol(text) == symbol


@pytest.mark.parametrize(
    ("cell", "symbol", "number", "unit"),
    [
        ("≥95%", "≥", D(95), "%"),
        ("\u226795\uff05", "≥", D(95), "%"),
        ("\uff1e\uff19\uff15\uff05", ">", D(95), "%"),
        (">=95", "≥", D(95), ""),
        ("不少于3万人", "≥", D(30000), "人"),
        ("≤ 1800元/批次", "≤", D(1800), "元/批次"),
        ("100%", None, D(100), "%"),
        ("0起", None, D(0), "起"),
        ("≤11月", "≤", D(11), "月"),
        ("3个工作日内", "≤", D(3), "工作日"),
        ("三个工作日内", "≤", D(3), "工作日"),
        ("1,200", None, D(1200), ""),
        ("\uff11\uff12\uff10\uff10", None, D(1200), ""),
        ("\uff11\uff0c\uff12\uff10\uff10人", None, D(1200), "人"),
        ("95%以上", "≥", D(95), "%"),
        ("不低于95%", "≥", D(95), "%"),
        ("达到95%", "≥", D(95), "%"),
        ("控制在1800元以内", "≤", D(1800), "元"),
        ("三万", None, D(30000), ""),
        ("十二个月", None, D(12), "个月"),
        ("百分之九十五", None, D(95), "%"),
        ("1.5万元", None, D(15000), "元"),
        ("2亿元", None, D(200000000), "元"),
        ("5千米", None, D(5), "公里"),
        ("3千人", None, D(3000), "人"),
        ("≥ 98 %", "≥", D(98), "%"),
        ("100%完成", None, D(100), "%"),
        ("≥95%(按户计)", "≥", D(95), "%"),
        ("-5", None, D(-5), ""),
        ("0.5‰", None, D("0.5"), "‰"),
    ],
)
def test_numbers_symbols_and_units(cell: str, symbol: str | None, number: Decimal, unit: str) -> None:
    target = parse_target(cell)
    assert (target.symbol, target.number, target.unit, target.problem) == (symbol, number, unit, None)
    assert target.raw == cell


def test_symbol_and_unit_columns() -> None:
    target = parse_target("95", symbol="\uff1e\uff1d", unit="\uff05")
    assert (target.symbol, target.number, target.unit, target.quantitative) == ("≥", D(95), "%", True)
    assert target.raw == "\uff1e\uff1d95\uff05"


def test_numbers_given_as_numbers() -> None:
    assert parse_target(95, symbol="≥", unit="%").number == D(95)
    assert parse_target(95.5, symbol="≥", unit="%").number == D("95.5")
    assert parse_target(D("0.1"), symbol="≥", unit="%").number == D("0.1")
    assert parse_target(None).problem == "empty"


@pytest.mark.parametrize(
    ("cell", "unit", "number", "expected_unit", "problem"),
    [
        ("3万人", "", D(30000), "人", None),
        ("3万人", "人", D(30000), "人", None),
        ("3万人", "万人", D(3), "万人", None),
        ("3万", "人", D(30000), "人", None),
        ("90万元", "万元", D(90), "万元", None),
        ("900000元", "万元", D(90), "万元", None),
        ("1800元/批次", "元", D(1800), "元", None),
        ("95%", "%", D(95), "%", None),
        ("3万人", "个", D(30000), "个", "unit-conflict"),
        ("300人次", "户", D(300), "户", "unit-conflict"),
    ],
)
def test_unit_in_the_cell_against_the_unit_column(
    cell: str, unit: str, number: Decimal, expected_unit: str, problem: str | None
) -> None:
    target = parse_target(cell, unit=unit)
    assert (target.number, target.unit, target.problem) == (number, expected_unit, problem)


def test_cell_unit_is_kept_as_written() -> None:
    assert parse_target("不少于3万人").cell_unit == "万人"
    assert parse_target("3万人", unit="个").cell_unit == "万人"


@pytest.mark.parametrize("cell", ["达到预期", "好", "较好", "一般", "优/良/中/差", "按时完成", "有效提升", "及时"])
def test_qualitative_levels(cell: str) -> None:
    target = parse_target(cell)
    assert (target.symbol, target.level, target.number, target.problem) == ("定性", cell, None, None)
    assert not target.quantitative


def test_qualitative_symbol_keeps_the_text() -> None:
    target = parse_target("达到预期", symbol="定性")
    assert (target.symbol, target.level, target.problem) == ("定性", "达到预期", None)


@pytest.mark.parametrize(
    ("cell", "symbol"),
    [
        ("≥**%", ""),
        ("\uff1e\uff0a\uff0a\uff05", ""),
        ("XX", ""),
        ("xx%", "≥"),
        ("\u00d7\u00d7", ""),
        ("待定", ""),
        ("/", ""),
        ("—", ""),
        ("??", "≥"),
    ],
)
def test_placeholders(cell: str, symbol: str) -> None:
    assert parse_target(cell, symbol=symbol).problem == "placeholder"


def test_placeholder_keeps_its_symbol() -> None:
    assert parse_target("≥**%").symbol == "≥"


@pytest.mark.parametrize(
    ("cell", "symbol"),
    [
        ("若干", ""),
        ("若干", "≥"),
        ("3-5", "≥"),
        ("3~5个", ""),
        ("N/A", ""),
        ("12..5", ""),
        ("约95%", ""),
        ("95%左右", ""),
        ("有效提升", "≥"),
        ("大幅提高", "≤"),
        ("一批", ""),
        ("95%以上完成好", ""),
    ],
)
def test_not_a_number(cell: str, symbol: str) -> None:
    target = parse_target(cell, symbol=symbol)
    assert target.problem == "not-a-number"
    assert target.number is None


@pytest.mark.parametrize("cell", ["", "   ", "\u3000"])
def test_empty(cell: str) -> None:
    assert parse_target(cell, symbol="≥", unit="%").problem == "empty"


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2024年6月30日", dt.date(2024, 6, 30)),
        ("2024年6月30日前", dt.date(2024, 6, 30)),
        ("2024年6月30日前完成", dt.date(2024, 6, 30)),
        ("2024-06-30", dt.date(2024, 6, 30)),
        ("2024/6/30", dt.date(2024, 6, 30)),
        ("2024.6.30", dt.date(2024, 6, 30)),
        ("2024-06-30 00:00:00", dt.date(2024, 6, 30)),
        ("2024年11月", dt.date(2024, 11, 30)),
        ("2024年2月底", dt.date(2024, 2, 29)),
        ("6月底前", dt.date(2024, 6, 30)),
        ("六月底前", dt.date(2024, 6, 30)),
        ("12月31日前", dt.date(2024, 12, 31)),
        ("年底前", dt.date(2024, 12, 31)),
        ("第三季度末", dt.date(2024, 9, 30)),
        ("上半年", dt.date(2024, 6, 30)),
        (45473, dt.date(2024, 6, 30)),
        ("45473", dt.date(2024, 6, 30)),
        (45473.0, dt.date(2024, 6, 30)),
    ],
)
def test_deadlines_in_a_time_row(cell: str | int | float, date: dt.date) -> None:
    target = parse_target(cell, date_context=True, year=2024)
    assert target.date == date
    assert target.problem is None
    assert target.symbol == "≤"


def test_month_deadline_without_a_year_keeps_the_month() -> None:
    target = parse_target("6月底前", date_context=True)
    assert (target.date, target.number, target.unit) == (None, D(6), "月")


def test_excel_serial_only_in_a_time_row() -> None:
    assert parse_target(45473).date is None
    assert parse_target(45473).number == D(45473)
    # A duration column means the number is a count of days, not a date.
    assert parse_target(45473, unit="天", date_context=True).date is None


@pytest.mark.parametrize("cell", ["2024年13月1日", "2024年2月30日", "13月底"])
def test_impossible_dates_are_not_guessed(cell: str) -> None:
    target = parse_target(cell, date_context=True, year=2024)
    assert target.problem == "not-a-number"
    assert target.date is None


def test_target_is_a_value() -> None:
    assert parse_target("≥95%") == parse_target("≥95%")
    assert isinstance(parse_target("≥95%"), Target)
    assert parse_target("≥95%").quantitative
    assert not parse_target("100%").quantitative  # no symbol: not guessed


@pytest.mark.parametrize(
    ("cell", "date_context", "number", "date"),
    [
        ("1805.4", False, Decimal("1805.4"), None),  # 1,805.4 yuan, not April 1805
        ("2023.4", False, Decimal("2023.4"), None),  # a decimal outside a 时效 row
        ("2023.4", True, None, dt.date(2023, 4, 30)),  # a year and month inside one
        ("2023年4月", False, None, dt.date(2023, 4, 30)),  # written as a date: a date anywhere
        ("2024/6", False, None, dt.date(2024, 6, 30)),
        ("1805.4", True, Decimal("1805.4"), None),  # no plausible year: a number even in a 时效 row
    ],
)
def test_dotted_numbers_are_dates_only_where_dates_belong(
    cell: str, date_context: bool, number: Decimal | None, date: dt.date | None
) -> None:
    target = parse_target(cell, date_context=date_context)
    assert (target.number, target.date, target.problem) == (number, date, None)
