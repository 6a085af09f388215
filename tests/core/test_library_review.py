"""The starter library passes the review engine's own clarity and measurability rules: an
indicator picked from the library, with a target in its typical range, raises nothing there."""

import json
from collections import Counter

from jixiao.core import checks
from jixiao.core.data import read_data
from jixiao.core.sheet import GoalSheet, Indicator, ProjectInfo

LIBRARY = json.loads(read_data("library/indicators.json"))
CATEGORIES = {c["code"]: c["name"] for c in json.loads(read_data("library/categories.json"))["categories"]}
CONTEXT = checks.Context(library=checks.library_entries(LIBRARY))


def as_indicator(item: dict) -> Indicator:
    symbol = item["symbols"][0]
    if symbol == "定性":
        value, unit = (item.get("levels") or ["好"])[0], ""
    else:
        value, unit = item["typical"]["low"], item.get("unit", "")
    return Indicator(
        level1=item["level1"],
        level2=item["level2"],
        name=item["name"],
        symbol=symbol,
        value=value,
        unit=unit,
        basis=item["basis"],
        source=item.get("data_source", ""),
    )


def findings_on(item: dict) -> list[checks.Finding]:
    category = CATEGORIES[item["categories"][0]] if item["categories"] else "一般公共服务"
    sheet = GoalSheet(
        kind="project",
        year=2026,
        project=ProjectInfo(name=f"{category}项目", category=category),
        goal="2026年完成年度任务。",
        indicators=[as_indicator(item)],
        source=item["code"],
    )
    return [
        f
        for f in checks.review(sheet, CONTEXT)
        if f.indicator == 0 and f.family in ("clarity", "measurability") and f.severity != "info"
    ]


def test_every_library_indicator_passes_clarity_and_measurability() -> None:
    failing = {item["code"]: [f.rule for f in findings_on(item)] for item in LIBRARY}
    failing = {code: rules for code, rules in failing.items() if rules}
    summary = Counter(rule for rules in failing.values() for rule in rules)
    assert failing == {}, (len(failing), summary.most_common(), list(failing.items())[:20])
