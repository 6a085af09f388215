"""可衡量性: targets that can be checked at the year's end (DOMAIN.md §16.2: D9, D13, D14, D20)."""

from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks.clarity import is_level
from jixiao.core.checks.registry import Hit, rule
from jixiao.core.checks.view import QUANTITY, TIME, Row, SheetView
from jixiao.core.values import NOT_A_NUMBER, PLACEHOLDER, UNIT_CONFLICT

_HUNDRED = Decimal(100)


def _percent(part: int, whole: int) -> str:
    return f"{(Decimal(part) * _HUNDRED / Decimal(whole)).quantize(Decimal(1))}%"


@rule("measurability.not-a-number")
def not_a_number(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if r.target.problem == NOT_A_NUMBER:
            yield Hit(r.index, "value", {"value": r.indicator.value.strip(), "symbol": r.target.symbol or "数值"})


def is_placeholder(v: SheetView, r: Row) -> bool:
    return r.target.problem == PLACEHOLDER or bool(r.value and v.rules.regex("placeholder_patterns").search(r.value))


@rule("measurability.placeholder")
def placeholder(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if is_placeholder(v, r):
            yield Hit(r.index, "value", {"value": r.indicator.value.strip()})


def qualitative_in_quantity(r: Row) -> bool:
    """A 数量 or 成本 target that is not a number: 定性 words, or 若干 after a ≥."""
    t = r.target
    return (r.level2 == QUANTITY or r.is_cost) and (
        (t.symbol == "定性" and t.problem is None) or t.problem == NOT_A_NUMBER
    )


@rule("measurability.qualitative-in-quantity")
def qualitative_in_quantity_rule(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if qualitative_in_quantity(r):
            kind = "成本指标" if r.is_cost else "数量指标"
            yield Hit(r.index, "value", {"name": r.indicator.name, "kind": kind, "value": r.indicator.value.strip()})


@rule("measurability.qualitative-no-levels")
def qualitative_no_levels(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        t = r.target
        if t.symbol != "定性" or t.problem is not None or not t.level:
            continue
        if is_level(v, r.value, r) or is_placeholder(v, r):
            continue
        yield Hit(r.index, "value", {"value": r.indicator.value.strip()})


@rule("measurability.too-many-qualitative")
def too_many_qualitative(v: SheetView) -> Iterator[Hit]:
    total = len(v.rows)
    count = sum(1 for r in v.rows if r.target.symbol == "定性")
    limit = v.threshold("qualitative_share_max")
    if total and Decimal(count) > limit * total:
        yield Hit(
            None,
            "indicators",
            {
                "share": _percent(count, total),
                "count": str(count),
                "total": str(total),
                "limit": f"{(limit * _HUNDRED).normalize():f}%",
            },
        )


def has_deadline(v: SheetView, r: Row) -> bool:
    t = r.target
    if t.date is not None:
        return True
    if t.number is None:
        return False
    unit = t.unit
    return unit == "%" or unit in v.rules.words("duration_units")


@rule("measurability.time-no-deadline")
def time_no_deadline(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        t = r.target
        if r.level2 != TIME or t.problem in ("empty", PLACEHOLDER) or is_placeholder(v, r):
            continue
        if not has_deadline(v, r):
            yield Hit(r.index, "value", {"value": r.indicator.value.strip()})


@rule("measurability.few-quantitative", after=True)
def few_quantitative(v: SheetView) -> Iterator[Hit]:
    total = len(v.rows)
    if not total:
        return
    # A target counts when it can be checked as it stands: a number with its unit (or a date)
    # and no error on the indicator (亮灯率 ≥120% is a number nobody can reach).
    broken = {f.indicator for f in v.found if f.severity == "error" and f.indicator is not None}
    count = sum(1 for r in v.rows if r.measurable and r.index not in broken and (r.target.unit or r.target.date))
    if Decimal(count) < v.threshold("quantitative_share_min") * total:
        yield Hit(None, "indicators", {"count": str(count), "total": str(total)})


@rule("measurability.no-data-source")
def no_data_source(v: SheetView) -> Iterator[Hit]:
    if not any(r.indicator.source.strip() for r in v.rows):
        yield Hit(None, "source", {})


@rule("measurability.unit-conflict")
def unit_conflict(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if r.target.problem == UNIT_CONFLICT:
            yield Hit(r.index, "unit", {"cell_unit": r.target.cell_unit, "unit": r.indicator.unit.strip()})


@rule("measurability.satisfaction-no-survey")
def satisfaction_no_survey(v: SheetView) -> Iterator[Hit]:
    survey = v.rules.pattern("survey_words")
    for r in v.rows:
        source = r.indicator.source.strip()
        # An empty source is measurability.no-data-source's finding when no row has one.
        if not r.is_satisfaction or not source:
            continue
        if not survey.search(source):
            yield Hit(r.index, "source", {"name": r.indicator.name})
