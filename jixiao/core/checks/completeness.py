"""完整性: the parts a goal sheet must have (DOMAIN.md §16.1, D1–D7)."""

import re
import unicodedata
from collections.abc import Iterator

from jixiao.core.checks.registry import Hit, rule
from jixiao.core.checks.view import BENEFIT, OUTPUT, QUALITY, QUANTITY, TIME, SheetView
from jixiao.core.values import COMPARISONS, EMPTY

_DIMENSIONS = ((QUANTITY, "数量指标"), (QUALITY, "质量指标"), (TIME, "时效指标"))
_NOT_TEXT = re.compile(r"[\W_]+")


@rule("completeness.empty-goal")
def empty_goal(v: SheetView) -> Iterator[Hit]:
    if not v.sheet.goal.strip():
        yield Hit(None, "goal", {})


@rule("completeness.no-indicators")
def no_indicators(v: SheetView) -> Iterator[Hit]:
    if not v.rows:
        yield Hit(None, "indicators", {})


def _missing(v: SheetView, kind: str) -> Iterator[Hit]:
    if kind not in v.level1_kinds:
        yield Hit(None, "indicators", {})


@rule("completeness.missing-output")
def missing_output(v: SheetView) -> Iterator[Hit]:
    if OUTPUT not in v.level1_kinds and not v.output_dimensions & {QUANTITY, QUALITY, TIME}:
        yield Hit(None, "indicators", {})


@rule("completeness.missing-benefit")
def missing_benefit(v: SheetView) -> Iterator[Hit]:
    yield from _missing(v, BENEFIT)


@rule("completeness.missing-satisfaction")
def missing_satisfaction(v: SheetView) -> Iterator[Hit]:
    if not any(r.is_satisfaction for r in v.rows):
        yield Hit(None, "indicators", {})


@rule("completeness.missing-cost")
def missing_cost(v: SheetView) -> Iterator[Hit]:
    # 财预〔2021〕101号 makes cost a core indicator; a region on the older layout switches it off.
    if v.rules.flag("require_cost") and not any(r.is_cost for r in v.rows):
        yield Hit(None, "indicators", {})


@rule("completeness.missing-output-dimension")
def missing_output_dimension(v: SheetView) -> Iterator[Hit]:
    for kind, label in _DIMENSIONS:
        if kind not in v.output_dimensions:
            yield Hit(None, "indicators", {"dimension": label})


@rule("completeness.empty-row")
def empty_row(v: SheetView) -> Iterator[Hit]:
    for index, ind in v.blank:
        if not ind.value.strip() and (ind.level1.strip() or ind.level2.strip()):
            yield Hit(index, "name", {"level1": ind.level1, "level2": ind.level2 or ind.level1})


@rule("completeness.missing-value")
def missing_value(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if r.target.problem == EMPTY:
            yield Hit(r.index, "value", {"name": r.indicator.name})


@rule("completeness.missing-unit")
def missing_unit(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        t = r.target
        if t.symbol in COMPARISONS and t.number is not None and not t.unit and t.problem is None:
            yield Hit(r.index, "unit", {"value": t.raw})


@rule("completeness.indicator-count")
def indicator_count(v: SheetView) -> Iterator[Hit]:
    count = len(v.rows)
    low, high = v.threshold("indicator_count_min"), v.threshold("indicator_count_max")
    if not low <= count <= high:
        yield Hit(None, "indicators", {"count": str(count), "min": str(low), "max": str(high)})


def _comparable(text: str) -> str:
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text))


@rule("completeness.goal-same-as-long-term")
def goal_same_as_long_term(v: SheetView) -> Iterator[Hit]:
    sheet = v.sheet
    project = sheet.project
    if project and project.start_year is not None and project.start_year == project.end_year:
        return  # a one-year project has one goal
    goal = _comparable(sheet.goal)
    if goal and goal == _comparable(sheet.long_term_goal):
        yield Hit(None, "goal", {})


@rule("completeness.department-no-lines")
def department_no_lines(v: SheetView) -> Iterator[Hit]:
    if v.sheet.kind == "department" and not v.sheet.projects:
        yield Hit(None, "projects", {})
