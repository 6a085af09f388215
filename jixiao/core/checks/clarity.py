"""明确性: words that say nothing measurable, and indicators filed under the wrong heading
(DOMAIN.md §16.2–16.3: D8, D11, D12, D17, D19)."""

import re
from collections.abc import Iterator

from jixiao.core.checks.registry import Hit, rule
from jixiao.core.checks.view import BENEFIT, OUTPUT, SATISFACTION, Row, SheetView

_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|\uff0d|—|～|~|至|到)")
_ANY_YEAR = re.compile(r"(?:19|20)\d{2}(?:年度?|[-—～~至到](?:19|20)?\d{2}年)?")
_DIGITS = re.compile(r"\d|[一二两三四五六七八九十百千万]+(?:个|项|次|批|人|户|家|所|座|条|公里|万|千|百)|百分之")


def is_level(v: SheetView, value: str, row: Row | None = None) -> bool:
    """A graded qualitative level (好, 较好, 优/良/中/差, 带动作用强, or a level the library
    defines for the indicator) rather than free words."""
    levels = v.rules.words("qualitative_levels")
    if value in levels or (row is not None and value in v.library_levels(row)):
        return True
    parts = v.rules.pattern("qualitative_level_separators").split(value)
    if len(parts) > 1 and all(p in levels for p in parts if p):
        return True
    # 带动作用强, 支撑作用较大: a named quality graded by a level word at the end (but 明显提高
    # is a vague wish, not a level).
    return (
        len(value) <= 8
        and bool(v.rules.pattern("qualitative_level_endings", suffix=True).search(value))
        and not v.rules.pattern("vague_words").search(value)
    )


@rule("clarity.vague-wording")
def vague_wording(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if r.target.problem is not None and r.target.problem != "not-a-number":
            continue
        if is_level(v, r.value, r):
            continue
        match = v.rules.pattern("vague_words").search(r.value)
        if match:
            yield Hit(r.index, "value", {"value": r.indicator.value.strip(), "word": match.group(0)})


@rule("clarity.vague-name")
def vague_name(v: SheetView) -> Iterator[Hit]:
    marks = v.rules.pattern("vague_name_quantity_marks")
    vague = v.rules.pattern("vague_name_words")
    for r in v.rows:
        if any(ch.isdigit() for ch in r.name) or marks.search(r.name) or v.in_library(r):
            continue
        match = vague.search(r.name)
        if match:
            yield Hit(r.index, "name", {"name": r.indicator.name, "word": match.group(0)})


@rule("clarity.vague-goal")
def vague_goal(v: SheetView) -> Iterator[Hit]:
    goal = v.sheet.goal.strip()
    if not goal:
        return
    match = v.rules.pattern("vague_words").search(goal)
    if match and not _DIGITS.search(_ANY_YEAR.sub("", goal)):
        yield Hit(None, "goal", {"word": match.group(0)})


@rule("clarity.goal-other-year")
def goal_other_year(v: SheetView) -> Iterator[Hit]:
    sheet = v.sheet
    allowed = {sheet.year}
    project = sheet.project
    if project and project.start_year and project.end_year and project.start_year <= project.end_year:
        allowed |= set(range(project.start_year, project.end_year + 1))
    comparison = v.rules.pattern("goal_year_comparison", suffix=True)
    for match in _YEAR.finditer(sheet.goal):
        year = int(match.group(1))
        if year in allowed:
            continue
        # 比2023年增长10%, 截至2023年底: an earlier year named as a baseline is not the target year.
        if comparison.search(sheet.goal[max(0, match.start() - 3) : match.start()]):
            continue
        yield Hit(None, "goal", {"year": str(year), "sheet_year": str(sheet.year)})
        return


def is_satisfaction_name(v: SheetView, r: Row) -> bool:
    return bool(v.rules.pattern("satisfaction_words").search(r.name))


@rule("clarity.satisfaction-no-respondent")
def satisfaction_no_respondent(v: SheetView) -> Iterator[Hit]:
    generic = v.rules.words("generic_satisfaction_names")
    groups = v.rules.pattern("respondent_groups")
    endings = v.rules.pattern("respondent_endings", suffix=True)
    for r in v.rows:
        if not is_satisfaction_name(v, r):
            continue
        bare = r.name.removesuffix("指标")
        if bare in generic:
            yield Hit(r.index, "name", {"name": r.indicator.name})
            continue
        # Who is asked stands before 满意: 沿线群众对…满意度, 法律援助受援人满意度.
        asked = bare[: bare.find("满意")]
        if not groups.search(bare) and not endings.search(asked.removesuffix("对").split("对")[0]):
            yield Hit(r.index, "name", {"name": r.indicator.name})


@rule("clarity.satisfaction-misplaced")
def satisfaction_misplaced(v: SheetView) -> Iterator[Hit]:
    for r in v.rows:
        if r.level1 != SATISFACTION and r.level2 != SATISFACTION and is_satisfaction_name(v, r):
            yield Hit(r.index, "level1", {"name": r.indicator.name, "level1": r.indicator.level1})


@rule("clarity.output-as-benefit")
def output_as_benefit(v: SheetView) -> Iterator[Hit]:
    endings = v.rules.pattern("count_name_endings", suffix=True)
    exempt = v.rules.pattern("benefit_count_exempt")
    bad = v.rules.pattern("bad_event_words")
    for r in v.rows:
        if r.level1 != BENEFIT or not endings.search(r.name):
            continue
        if exempt.search(r.name) or bad.search(r.name):
            continue
        yield Hit(r.index, "level1", {"name": r.indicator.name})


@rule("clarity.management-as-output")
def management_as_output(v: SheetView) -> Iterator[Hit]:
    words = v.rules.pattern("management_words")
    for r in v.rows:
        if r.level1 not in (OUTPUT, BENEFIT):
            continue
        match = words.search(r.name)
        # 审计 is the output of an audit project.
        if match and match.group(0) not in v.project_text:
            yield Hit(r.index, "name", {"name": r.indicator.name, "word": match.group(0)})
