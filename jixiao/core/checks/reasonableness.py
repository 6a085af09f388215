"""合理性: targets that cannot be meant, or point the wrong way (DOMAIN.md §16.2–16.4: D10,
D13–D15, D18, D22, D27)."""

from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks.context import fold
from jixiao.core.checks.registry import Hit, rule
from jixiao.core.checks.view import QUANTITY, Row, SheetView
from jixiao.core.money import TEN_THOUSAND
from jixiao.core.sheet import PastYear
from jixiao.core.values import parse_target

_HUNDRED = Decimal(100)
_MONEY = {"元": Decimal(1), "千元": Decimal(1000), "万元": TEN_THOUSAND, "亿元": Decimal(100000000)}
_POSITIVE = ("≥", ">")


def number_text(value: Decimal) -> str:
    """A number as a person writes it: 95, 1800, 0.5 (no exponent, no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_text(value: Decimal) -> str:
    return f"{value:,.2f}"


def ratio_text(value: Decimal) -> str:
    return f"{number_text((value * _HUNDRED).quantize(Decimal(1)))}%"


def is_growth(v: SheetView, r: Row) -> bool:
    return bool(v.rules.pattern("growth_words").search(r.name))


def is_bad_event(v: SheetView, r: Row) -> bool:
    """A count or rate of things that should not happen (事故, 投诉, 故障率), not their handling
    (故障修复率, 投诉办结率, 拆除违法建设面积)."""
    bad = v.rules.pattern("bad_event_words").search(r.name)
    if bad is None or positive_rate(v, r) is not None:
        return False
    # Handling after the event (故障修复率, 火灾扑灭率), or an action on it before it
    # (拆除违法建设面积, 为消费者挽回经济损失).
    if v.rules.pattern("bad_event_exempt").search(r.name, bad.start()):
        return False
    return not v.rules.pattern("bad_event_actions").search(r.name[: bad.start()])


def positive_rate(v: SheetView, r: Row) -> str | None:
    """The positive-rate word in the name (合格率, 满意度), unless negated (不合格率, 未达标率)."""
    for match in v.rules.pattern("positive_rate_words").finditer(r.name):
        before = r.name[match.start() - 1 : match.start()] if match.start() else ""
        if before and before in v.rules.words("negations"):
            continue
        return match.group(0)
    return None


def is_satisfaction(v: SheetView, r: Row) -> bool:
    return r.is_satisfaction or bool(v.rules.pattern("satisfaction_words").search(r.name))


def usable(r: Row) -> bool:
    return r.target.problem is None and r.target.number is not None


@rule("reasonableness.rate-over-100")
def rate_over_100(v: SheetView) -> Iterator[Hit]:
    rate = v.rules.pattern("rate_words")
    limit = v.threshold("rate_max")
    for r in v.rows:
        t = r.target
        if not usable(r) or t.unit != "%" or t.number is None or t.number <= limit:
            continue
        if rate.search(r.name) and not is_growth(v, r):
            yield Hit(r.index, "value", {"name": r.indicator.name, "number": number_text(t.number)})


@rule("reasonableness.negative-value")
def negative_value(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        t = r.target
        if usable(r) and t.number is not None and t.number < 0:
            yield Hit(r.index, "value", {"value": t.raw})


@rule("reasonableness.satisfaction-100")
def satisfaction_100(v: SheetView) -> Iterator[Hit]:
    high = v.threshold("satisfaction_high")
    for r in v.rows:
        t = r.target
        if not usable(r) or t.unit != "%" or t.number is None or not is_satisfaction(v, r):
            continue
        if t.symbol in ("≥", "=", ">") and t.number >= high:
            yield Hit(r.index, "value", {"name": r.indicator.name, "number": number_text(t.number)})


@rule("reasonableness.satisfaction-low")
def satisfaction_low(v: SheetView) -> Iterator[Hit]:
    low = v.threshold("satisfaction_low")
    for r in v.rows:
        t = r.target
        if not usable(r) or t.unit != "%" or t.number is None or not is_satisfaction(v, r):
            continue
        if t.symbol in ("≥", "=", ">") and t.number < low:
            yield Hit(
                r.index, "value", {"name": r.indicator.name, "number": number_text(t.number), "limit": number_text(low)}
            )


@rule("reasonableness.symbol-direction")
def symbol_direction(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        symbol = r.target.symbol
        if symbol in _POSITIVE and is_bad_event(v, r):
            yield Hit(r.index, "symbol", {"name": r.indicator.name, "symbol": symbol, "direction": "少"})
        elif symbol in ("≤", "<") and not is_bad_event(v, r) and positive_rate(v, r):
            yield Hit(r.index, "symbol", {"name": r.indicator.name, "symbol": symbol, "direction": "高"})


def _actual(past: PastYear, name: str, unit: str) -> tuple[Decimal, str] | None:
    for ind in past.indicators:
        if fold(ind.name) != name or not ind.actual.strip():
            continue
        if ind.unit.strip() and unit and ind.unit.strip() != unit:
            return None
        actual = parse_target(ind.actual, unit=ind.unit or unit)
        if actual.problem is None and actual.number is not None:
            return actual.number, actual.unit
    return None


def _history(v: SheetView) -> list[PastYear]:
    return sorted((p for p in v.sheet.history if p.year < v.sheet.year), key=lambda p: p.year, reverse=True)


@rule("reasonableness.below-history")
def below_history(v: SheetView) -> Iterator[Hit]:
    history = _history(v)
    if not history:
        return
    last = history[0]
    if last.total is not None and v.sheet.total is not None and v.sheet.total < last.total:
        return  # DOMAIN.md D22: a lower target is expected when the budget fell
    ratio = v.threshold("below_history_ratio")
    for r in v.rows:
        t = r.target
        if not usable(r) or t.symbol not in _POSITIVE or t.number is None:
            continue
        found = _actual(last, r.name, t.unit)
        if found and found[0] > 0 and t.number < found[0] * ratio:
            yield Hit(
                r.index,
                "value",
                {
                    "number": number_text(t.number),
                    "unit": t.unit,
                    "year": str(last.year),
                    "actual": number_text(found[0]),
                    "ratio": ratio_text(ratio),
                },
            )


@rule("reasonableness.above-history")
def above_history(v: SheetView) -> Iterator[Hit]:
    history = _history(v)
    if not history:
        return
    ratio = v.threshold("above_history_ratio")
    for r in v.rows:
        t = r.target
        if not usable(r) or t.symbol not in _POSITIVE or t.number is None:
            continue
        actuals = [a[0] for past in history if (a := _actual(past, r.name, t.unit))]
        if actuals and max(actuals) > 0 and t.number > max(actuals) * ratio:
            yield Hit(
                r.index,
                "value",
                {
                    "number": number_text(t.number),
                    "unit": t.unit,
                    "actual": number_text(max(actuals)),
                    "ratio": ratio_text(ratio),
                },
            )


@rule("reasonableness.cost-equals-budget")
def cost_equals_budget(v: SheetView) -> Iterator[Hit]:
    names = v.rules.pattern("cost_total_names")
    total = v.sheet.total
    tolerance = v.threshold("cost_budget_tolerance")
    for r in v.rows:
        if not r.is_cost:
            continue
        t = r.target
        params = {"name": r.indicator.name, "value": t.raw}
        if names.search(r.name):
            yield Hit(r.index, "name", params)
            continue
        scale = _MONEY.get(t.unit)
        if not usable(r) or scale is None or t.number is None or not total:
            continue
        if abs(t.number * scale - total) <= total * tolerance:
            yield Hit(r.index, "value", params)


@rule("reasonableness.self-referential")
def self_referential(v: SheetView) -> Iterator[Hit]:
    quantity = [r for r in v.rows if r.level2 == QUANTITY]
    if len(quantity) != 1:
        return
    r = quantity[0]
    t = r.target
    if usable(r) and t.unit == "%" and t.number == _HUNDRED and v.rules.pattern("completion_rate_words").search(r.name):
        yield Hit(r.index, "name", {"name": r.indicator.name})


@rule("reasonableness.equals-for-minimum")
def equals_for_minimum(v: SheetView) -> Iterator[Hit]:
    units = v.rules.words("open_count_units")
    for r in v.rows:
        t = r.target
        if t.symbol != "=" or not usable(r) or t.number is None or t.number <= 0 or t.unit not in units:
            continue
        if is_bad_event(v, r):
            continue
        yield Hit(r.index, "symbol", {"name": r.indicator.name, "number": number_text(t.number), "unit": t.unit})


@rule("reasonableness.date-outside-year")
def date_outside_year(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        date = r.target.date
        if date is not None and r.target.problem is None and date.year != v.sheet.year:
            yield Hit(
                r.index,
                "value",
                {"date": f"{date.year}年{date.month}月{date.day}日", "year": str(v.sheet.year)},
            )
