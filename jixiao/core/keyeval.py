"""财政重点评价 (finance's key evaluation, DOMAIN.md §8): the 决策/过程/产出/效益 index system
(versioned data, ``data/keyeval/template.json``) fitted to a project's goal indicators, its checks
and scores, and the report outline (财预〔2020〕10号 annex 3) drafted from known facts only: a
missing figure is written "（待填写）", never guessed."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from types import MappingProxyType
from typing import Any

from jixiao.core.data import read_data
from jixiao.core.money import round_half_up, yuan_to_wan
from jixiao.core.scoring import split
from jixiao.core.scoring.rules import HUNDRED, ZERO, ScoringRules, points_text

LEVEL1 = ("决策", "过程", "产出", "效益")
DEFAULT_VERSION = "default-2026.1"
RESULTS_SHARE = Decimal(60)  # 产出 + 效益 at least 60% (财预〔2020〕10号)
TO_FILL = "（待填写）"
AFTER_SCORING = "（评分完成后自动填入）"

# The 评分标准 of an item built from a goal indicator, by its level2.
STANDARDS = {
    "数量": "完成目标值得满分，未完成的按完成比例计分（实际完成值/目标值×分值）。",  # noqa: RUF001
    "质量": "达到质量标准得满分，未达到的按达标比例计分。",
    "时效": "按期完成得满分，每延期一个月扣分值的10%，扣完为止。",
    "成本": "控制在目标成本以内得满分，超支的按超支比例扣分，扣完为止。",
    "项目效益": "达到预期效益得满分；部分达到的按达成程度计分；未达到的不得分。",
    "满意度": "满意度达到目标值得满分，未达到的按实际满意度/目标值×分值计分。",  # noqa: RUF001
}


@dataclass(frozen=True)
class Item:
    level1: str  # one of LEVEL1
    level2: str
    level3: str
    weight: Decimal
    explanation: str = ""  # 指标解释/评价要点
    standard: str = ""  # 评分标准
    score: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class GoalIndicator:
    """An indicator of the approved goal sheet: level1 产出指标/效益指标/满意度指标/成本指标."""

    level1: str
    level2: str
    name: str
    symbol: str = ""
    value: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Template:
    version: str
    weights: Mapping[str, Decimal]  # level1 → its points
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # "error" | "warning"
    message: str
    item: int | None = None


# --- the template ------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    """A number as a person writes it: 20, 4.29, 0.5."""
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def _number(where: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f'重点评价指标模板「{where}」应为数字（如 "10"）')
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"重点评价指标模板「{where}」的值「{value}」不是数字") from None
    if not number.is_finite() or number <= 0:
        raise ValueError(f"重点评价指标模板「{where}」的值「{value}」应为大于 0 的数字")
    return number


def _template_item(index: int, entry: object) -> Item:
    where = f"items[{index}]"
    if not isinstance(entry, Mapping):
        raise ValueError(f"重点评价指标模板「{where}」应为 JSON 对象")
    text: list[str] = []
    for key in ("level1", "level2", "level3", "explanation", "standard"):
        value, required = entry.get(key, ""), key.startswith("level")
        if not isinstance(value, str) or (required and not value.strip()):
            raise ValueError(f"重点评价指标模板「{where}.{key}」应为{'非空' if required else ''}文字")
        text.append(value.strip())
    if text[0] not in LEVEL1:
        raise ValueError(f"重点评价指标模板「{where}.level1」应为{'、'.join(LEVEL1)}之一")
    level1, level2, level3, explanation, standard = text
    weight = _number(f"{where}.weight", entry.get("weight"))
    return Item(level1, level2, level3, weight, explanation, standard)


def load_template(data: Mapping[str, Any] | None = None) -> Template:
    """A template from its data (the shipped file when None), checked: the four level1 weights add
    up to 100 and each level1's items to its weight. ``ValueError`` in Chinese otherwise."""
    if data is None:
        data = json.loads(read_data("keyeval/template.json"))
    if not isinstance(data, Mapping):
        raise ValueError("重点评价指标模板应为 JSON 对象")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ValueError("重点评价指标模板版本号「version」应为文字")
    raw = data.get("weights")
    if not isinstance(raw, Mapping) or set(raw) != set(LEVEL1):
        raise ValueError(f"重点评价指标模板「weights」应恰好给出{'、'.join(LEVEL1)}四个一级指标的分值")
    weights = {level: _number(f"weights.{level}", raw[level]) for level in LEVEL1}
    if sum(weights.values(), ZERO) != HUNDRED:
        raise ValueError(f"重点评价指标模板「weights」合计 {_plain(sum(weights.values(), ZERO))}，应为 100")
    entries = data.get("items")
    if not isinstance(entries, list) or not entries:
        raise ValueError("重点评价指标模板「items」应为非空列表")
    items = tuple(_template_item(i, entry) for i, entry in enumerate(entries))
    for level in LEVEL1:
        got = sum((i.weight for i in items if i.level1 == level), ZERO)
        if got != weights[level]:
            raise ValueError(
                f"重点评价指标模板中「{level}」类指标分值合计 {_plain(got)}，应为 {_plain(weights[level])}"
            )
    return Template(version, MappingProxyType(weights), items)


@cache
def _shipped() -> Template:
    return load_template()


def template(version: str = DEFAULT_VERSION) -> Template:
    """The shipped template of that version."""
    shipped = _shipped()
    if version != shipped.version:
        raise ValueError(f"没有版本为「{version}」的重点评价指标模板")
    return shipped


# --- building and checking an index system -----------------------------------------------------


def _kind(text: str) -> str:
    return text.strip().removesuffix("指标")


# A goal sheet's level1 (without 指标) → the item's level1 and level2; others are 产出 by their level2.
GOAL_KINDS = {"成本": ("产出", "成本"), "效益": ("效益", "项目效益"), "满意度": ("效益", "满意度")}


def _from_goal(goal: GoalIndicator, weight: Decimal) -> Item:
    sub, name = _kind(goal.level2), goal.name.strip()
    level1, level2 = GOAL_KINDS.get(_kind(goal.level1), ("产出", "成本" if "成本" in sub else sub or "产出"))
    target = f"绩效目标：{name}{goal.symbol}{goal.value}{goal.unit}"
    return Item(level1, level2, name, weight, target, STANDARDS.get(level2, STANDARDS["数量"]))


def build_items(indicators: Sequence[GoalIndicator] = (), template: Template | None = None) -> list[Item]:
    """The index system of a project: 决策 and 过程 from the template; 产出 (效益) one item per goal
    indicator of 产出指标 and 成本指标 (效益指标 and 满意度指标), the level1's points split evenly
    to the cent, or the template's generic items when the sheet has none."""
    chosen = template if template is not None else _shipped()
    items = [i for level in ("决策", "过程") for i in chosen.items if i.level1 == level]
    for level, kinds in (("产出", ("产出", "成本")), ("效益", ("效益", "满意度"))):
        goals = [g for g in indicators if _kind(g.level1) in kinds]
        if not goals:
            items += [i for i in chosen.items if i.level1 == level]
            continue
        shares = split(chosen.weights[level], len(goals))
        items += [_from_goal(g, w) for g, w in zip(goals, shares, strict=True)]
    return items


def check(items: Sequence[Item]) -> list[Check]:
    """What is wrong with an index system and its scores; nothing for the default build."""
    found: list[Check] = []

    def add(code: str, message: str, item: int | None = None, severity: str = "error") -> None:
        found.append(Check(code, severity, message, item))

    whole = sum((i.weight for i in items), ZERO)
    if whole != HUNDRED:
        add("weights.total", f"各指标分值合计 {_plain(whole)}，应为 100")
    share = sum((i.weight for i in items if i.level1 in ("产出", "效益")), ZERO)
    if share.is_finite() and share < RESULTS_SHARE:
        text = f"产出和效益指标权重合计 {_plain(share)}%，低于 60%（财预〔2020〕10号要求以结果为导向）"
        add("weights.results", text, severity="warning")
    for level in LEVEL1:
        if level not in {i.level1 for i in items}:
            add("level1.missing", f"指标体系缺少「{level}」类指标", severity="warning")
    for index, item in enumerate(items):
        name, weight, score = item.level3.strip() or f"第 {index + 1} 项指标", item.weight, item.score
        if not weight.is_finite() or weight <= 0:
            add("weights.positive", f"「{name}」的分值 {_plain(weight)}，应大于 0", index)
        if item.level1 not in LEVEL1:
            add("level1.unknown", f"「{name}」的一级指标「{item.level1}」不是{'、'.join(LEVEL1)}之一", index)
        if not item.level3.strip():
            add("item.name", f"第 {index + 1} 项指标没有三级指标名称", index)
        if score is None:
            continue
        if not score.is_finite() or score < 0 or (weight.is_finite() and score > weight):
            add("score.range", f"「{name}」得分 {_plain(score)}，应在 0 到 {_plain(weight)} 之间", index)
        exponent = score.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            add("score.precision", f"「{name}」得分 {score} 超过两位小数", index)
    return found


def total(items: Sequence[Item]) -> Decimal | None:
    """The sum of the scores; None when there are no items or any is unscored."""
    if not items or any(i.score is None for i in items):
        return None
    return sum((i.score for i in items if i.score is not None), ZERO)


def subtotals(items: Sequence[Item]) -> dict[str, tuple[Decimal, Decimal | None]]:
    """Per level1 present, in LEVEL1 order (then any other): (points, score or None)."""
    levels = [*LEVEL1, *dict.fromkeys(i.level1 for i in items if i.level1 not in LEVEL1)]
    out: dict[str, tuple[Decimal, Decimal | None]] = {}
    for level in levels:
        group = [i for i in items if i.level1 == level]
        if group:
            out[level] = (sum((i.weight for i in group), ZERO), total(group))
    return out


def grade(total: Decimal, rules: ScoringRules | None = None) -> str:
    """优/良/中/差 by the grade bands of the scoring rules."""
    return (rules or ScoringRules.default()).grade(total)


# --- the report outline (10号 annex 3) ---------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    project: str
    unit: str
    year: int  # the evaluated fiscal year
    category: str
    budget: Decimal  # adjusted budget, 元
    initial_budget: Decimal
    spent: Decimal | None = None
    funds: Mapping[str, Decimal] = field(default_factory=dict)  # fund source → 元
    indicators: Sequence[GoalIndicator] = ()
    agency: str = ""
    evaluated_on: date | None = None
    items: Sequence[Item] = ()
    description: str = ""  # 项目概况


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]
    table: tuple[tuple[str, ...], ...] = ()  # the first row is the header


Parts = Mapping[str, tuple[Decimal, Decimal | None]]  # subtotals()


def _wan(yuan: Decimal) -> str:
    return f"{yuan_to_wan(yuan):.2f}万元"


def _score(score: Decimal | None) -> str:
    return AFTER_SCORING if score is None else f"{points_text(score)}分"


def _overview(f: Facts) -> tuple[str, ...]:
    funds = "、".join(f"{source}{_wan(amount)}" for source, amount in f.funds.items() if amount != 0)
    rate = TO_FILL
    if f.spent is not None and f.budget > 0:
        rate = f"{round_half_up(f.spent / f.budget * HUNDRED)}%"
    return (
        f.description.strip() or f"项目立项背景、主要内容及实施情况：{TO_FILL}",
        f"项目名称：{f.project}；项目单位：{f.unit}；项目类别：{f.category or TO_FILL}；评价年度：{f.year}年。",
        f"{f.year}年项目年初预算{_wan(f.initial_budget)}，调整后预算{_wan(f.budget)}；资金来源：{funds or TO_FILL}。",
        f"{f.year}年实际支出{TO_FILL if f.spent is None else _wan(f.spent)}，预算执行率{rate}（实际支出/调整后预算）。",
    )


def _goals(f: Facts) -> Section:
    heading = "（二）项目绩效目标"
    if not f.indicators:
        return Section(heading, (f"项目绩效目标：{TO_FILL}",))
    rows = [(g.level1, g.level2, g.name, f"{g.symbol}{g.value}{g.unit}" or TO_FILL) for g in f.indicators]
    text = f"经批复的项目绩效目标表共设{len(rows)}个绩效指标，见下表。"
    return Section(heading, (text,), (("一级指标", "二级指标", "三级指标", "指标值"), *rows))


def _work(f: Facts, parts: Parts) -> tuple[str, ...]:
    points = "、".join(f"{level}{_plain(weight)}分" for level, (weight, _) in parts.items())
    system = f"共{len(f.items)}项三级指标，分值为{points}" if f.items else f"指标体系{TO_FILL}"
    day = f"{f.evaluated_on.year}年{f.evaluated_on.month}月{f.evaluated_on.day}日" if f.evaluated_on else TO_FILL
    return (
        f"（一）评价目的、对象和范围：评价对象为{f.unit}实施的{f.project}，"
        f"评价范围为该项目{f.year}年度预算资金的决策、过程、产出和效益情况。",
        "（二）评价原则、评价指标体系、评价方法、评价标准：依据《项目支出绩效评价管理办法》（财预〔2020〕10号），"
        f"从决策、过程、产出、效益四个方面设置评价指标体系，{system}；评价方法及评价标准：{TO_FILL}。",
        f"（三）评价工作过程：评价机构为{f.agency or TO_FILL}，评价日期为{day}；工作过程：{TO_FILL}。",
    )


def _conclusion(whole: Decimal | None, parts: Parts) -> tuple[str, ...]:
    if whole is None:
        return (AFTER_SCORING,)
    each = "，".join(f"{level}类指标得分{_score(s)}（满分{_plain(w)}分）" for level, (w, s) in parts.items())
    return (f"经综合评价，该项目得分{_score(whole)}，评价等级为「{grade(whole)}」。", f"其中：{each}。")


def _analysis(level: str, items: Sequence[Item], parts: Parts) -> tuple[str, ...]:
    group = [i for i in items if i.level1 == level]
    if not group:
        return (f"未设置{level}类指标。",)
    weight, score = parts[level]
    head = f"{level}类指标满分{_plain(weight)}分，得分{_score(score)}"
    if score is not None and weight > 0:
        head += f"，得分率{round_half_up(score / weight * HUNDRED)}%"
    lines = [
        f"{n}. {i.level2}—{i.level3}（分值{_plain(i.weight)}分）：得分{_score(i.score)}。{i.note}".rstrip()
        for n, i in enumerate(group, 1)
    ]
    return (f"{head}。", *lines)


def _problems(items: Sequence[Item]) -> tuple[str, ...]:
    lost = [(i, i.weight - i.score) for i in items if i.score is not None and i.score < i.weight]
    lines = [
        f"{n}. {i.level1}—{i.level3}扣{points_text(gap)}分：{i.note or f'问题及原因{TO_FILL}'}"
        for n, (i, gap) in enumerate(lost, 1)
    ]
    if not lost:
        lines = [AFTER_SCORING if total(items) is None else f"评分中未发现扣分事项；其他问题{TO_FILL}"]
    return (f"（一）主要经验及做法：{TO_FILL}", "（二）存在的问题及原因分析：", *lines)


def _score_table(items: Sequence[Item]) -> tuple[tuple[str, ...], ...]:
    cells = [(i.level1, i.level2, i.level3, i.weight, i.score, i.note) for i in items]
    cells.append(("合计", "", "", sum((i.weight for i in items), ZERO), total(items), ""))
    rows = [(a, b, c, _plain(w), "" if s is None else points_text(s), n) for a, b, c, w, s, n in cells]
    return (("一级指标", "二级指标", "三级指标", "分值", "得分", "评分说明"), *rows)


def outline(facts: Facts) -> list[Section]:
    """The report (10号 annex 3), with every known figure filled in and every other one marked
    "（待填写）" (scores: "（评分完成后自动填入）"). Meant for items whose weights ``check`` passes."""
    parts = subtotals(facts.items)
    analysis = [
        Section(f"（{number}）项目{level}情况", _analysis(level, facts.items, parts))
        for number, level in zip("一二三四", LEVEL1, strict=True)
    ]
    return [
        Section("一、基本情况", ()),
        Section("（一）项目概况", _overview(facts)),
        _goals(facts),
        Section("二、绩效评价工作开展情况", _work(facts, parts)),
        Section("三、综合评价情况及评价结论", _conclusion(total(facts.items), parts)),
        Section("四、绩效评价指标分析", ()),
        *analysis,
        Section("五、主要经验及做法、存在的问题及原因分析", _problems(facts.items)),
        Section("六、有关建议", (TO_FILL,)),
        Section("七、其他需要说明的问题", (TO_FILL,)),
        Section("附件：评分表", ("分值、得分单位：分。",), _score_table(facts.items)),
    ]


def outline_text(sections: Sequence[Section]) -> str:
    """Plain text for download: headings, paragraphs, tables as tab-separated lines."""
    blocks = []
    for section in sections:
        rows = ("\t".join(" ".join(cell.split()) for cell in row) for row in section.table)
        blocks.append("\n".join([section.heading, *section.paragraphs, *rows]))
    return "\n\n".join(blocks) + "\n"
