"""The defects real units make, applied to a sound sheet.

They are the ones the 渌口区 report complains of (2023年绩效管理工作总结, part 二(二): 指标不明确,
满意度指标笼统, 缺少效益指标, 定量指标过少, 定性指标不可衡量, 数据不可获得, 指标值设置过高,
与项目的关联性不高, 与项目资金不匹配; part 二(三): 部门整体表与项目表金额不一致) and that
DOMAIN.md §16 catalogues, with what units write when they justify a warning.
"""

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from jixiao.goals.demo.writer import (
    BENEFIT,
    COST,
    ECONOMIC_COST,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SUBSIDY,
    TIME,
    TRAINING,
    Content,
    ProjectFacts,
    Writer,
    nice,
    number_text,
    row_of,
    target,
    wan,
)
from jixiao.goals.review import Row

VAGUE_VALUES = ("有效提升", "明显改善", "显著提高", "进一步提升", "稳步提升", "持续改善", "逐步完善", "效果明显")
VAGUE_TIMES = ("及时", "按时完成", "按期完成", "及时拨付")
GENERIC_SATISFACTION = ("满意度", "群众满意度", "社会满意度", "服务对象满意度", "社会公众满意度")
PLACEHOLDERS = ("**", "XX", "待定", "**%")
VAGUE_GOALS = (
    "进一步加强{name}管理，有效提升资金使用效益，确保项目顺利实施，群众满意度明显提高。",
    "按照上级要求，积极推进{name}工作，不断完善工作机制，切实提高服务水平，取得良好社会效益。",
    "确保{name}各项工作按时保质完成，资金使用规范，社会效益显著。",
)


def _index(rows: Sequence[Row], test: Callable[[Row], bool]) -> list[int]:
    return [i for i, r in enumerate(rows) if test(r)]


def vague_value(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """有效提升, 明显改善 in a quality or benefit value (D8)."""
    choices = _index(c.rows, lambda r: r.level2 == QUALITY or r.level1 == BENEFIT)
    if not choices:
        return False
    r = c.rows[rng.choice(choices)]
    r.symbol, r.value, r.unit = "定性", rng.choice(VAGUE_VALUES), ""
    return True


def vague_time(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """及时, 按时完成 as a time target (D13)."""
    choices = _index(c.rows, lambda r: r.level2 == TIME)
    if not choices:
        return False
    r = c.rows[choices[0]]
    r.symbol, r.value, r.unit = "定性", rng.choice(VAGUE_TIMES), ""
    return True


def satisfaction_100(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """满意度 = 100% (D18)."""
    choices = _index(c.rows, lambda r: r.level1 == SATISFACTION)
    if not choices:
        return False
    r = c.rows[choices[0]]
    r.symbol, r.value = rng.choice(("=", "≥")), "100"
    c.goal = re.sub(r"满意度(达到|不低于|保持在)\d+", r"满意度\g<1>100", c.goal)
    return True


def satisfaction_no_one(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """满意度 naming no respondents (D17)."""
    choices = _index(c.rows, lambda r: r.level1 == SATISFACTION)
    if not choices:
        return False
    r = c.rows[choices[0]]
    r.name, r.library_indicator_id = rng.choice(GENERIC_SATISFACTION), None
    return True


def rate_over_100(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """A rate above 100% (D14)."""
    choices = _index(
        c.rows, lambda r: r.unit == "%" and r.symbol == "≥" and "率" in r.name and r.level1 != SATISFACTION
    )
    if not choices:
        return False
    r = c.rows[rng.choice(choices)]
    r.value = rng.choice(("105", "110", "120", "150"))
    return True


def missing_benefit(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """No 效益 at all (D2), the report's 缺少效益指标."""
    if not _index(c.rows, lambda r: r.level1 == BENEFIT):
        return False
    c.rows = [r for r in c.rows if r.level1 != BENEFIT]
    return True


def missing_cost(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    if not _index(c.rows, lambda r: r.level1 == COST):
        return False
    c.rows = [r for r in c.rows if r.level1 != COST]
    return True


def execution_rate(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """预算执行率 filed as an output (D11)."""
    name, symbol, value, source = rng.choice(
        (
            ("预算执行率", "≥", rng.choice(("90", "95", "100")), "国库集中支付系统"),
            ("资金使用合规率", "=", "100", "财务账册"),
            ("项目资金到位率", "=", "100", "资金拨付文件"),
        )
    )
    position = max(_index(c.rows, lambda r: r.level2 == QUALITY), default=0) + 1
    c.rows.insert(position, Row(OUTPUT, QUALITY, name, symbol, value, "%", basis="计划标准", source=source))
    return True


def output_as_benefit(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """培训人次, 发放人数 under 社会效益 (D12)."""
    quantity = next((r for r in c.rows if r.level2 == QUANTITY and r.unit in ("人", "人次")), None)
    if p.has(TRAINING):
        name, unit = "培训人次", "人次"
    elif p.has(SUBSIDY):
        name, unit = "补贴发放人数", "人"
    else:
        name, unit = rng.choice((("服务群众人次", "人次"), ("开展活动场次", "场次"), ("检查次数", "次")))
    value = (
        quantity.value if quantity is not None and quantity.unit == unit else number_text(nice(rng.uniform(50, 3000)))
    )
    position = min(_index(c.rows, lambda r: r.level1 == BENEFIT), default=len(c.rows))
    c.rows.insert(position, Row(BENEFIT, "社会效益指标", name, "≥", value, unit, basis="计划标准", source="工作台账"))
    return True


def cost_is_budget(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """The whole budget as the cost indicator (D10): 项目总成本 ≤ 90万元 on a 90万 project."""
    row = Row(
        COST,
        ECONOMIC_COST,
        rng.choice(("项目总成本", "项目成本控制", "资金总额控制")),
        "≤",
        wan(p.total),
        "万元",
        basis="计划标准",
        source="预算批复文件",
    )
    choices = _index(c.rows, lambda r: r.level1 == COST)
    if choices:
        c.rows[choices[0]] = row
    else:
        c.rows.insert(len([r for r in c.rows if r.level1 == OUTPUT]), row)
    return True


def unrelated(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """An indicator that belongs to another kind of project altogether (D21)."""
    item = w.far_item(p, rng)
    if item is None:
        return False
    symbol, value = target(item, p, rng)
    position = max(_index(c.rows, lambda r: r.level2 == QUANTITY), default=-1) + 1
    c.rows.insert(position, row_of(item, symbol, value))
    return True


def placeholder(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """≥**% left from the template."""
    choices = _index(c.rows, lambda r: r.level1 in (OUTPUT, BENEFIT))
    if not choices:
        return False
    r = c.rows[rng.choice(choices)]
    r.value = rng.choice(PLACEHOLDERS)
    if r.value.endswith("%"):
        r.unit = ""
    return True


def not_a_number(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """若干 where a count is due."""
    choices = _index(c.rows, lambda r: r.level2 == QUANTITY)
    if not choices:
        return False
    c.rows[choices[0]].value = rng.choice(("若干", "视情况而定", "按实际"))
    return True


def wrong_year(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """Last year's goal pasted in unchanged. Only a year outside the project's span is plainly
    wrong (the review accepts any year of the 实施期), so only new projects qualify."""
    if p.start_year < w.year:
        return False
    c.goal = c.goal.replace(f"{w.year}年", f"{w.year - 1}年", 1)
    return True


def no_sources(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """数据不可获得: no indicator says where its actual value will come from."""
    for r in c.rows:
        r.source = ""
    return True


def vague_goal(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    c.goal = rng.choice(VAGUE_GOALS).format(name=p.name)
    return True


def completion_only(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """定量指标过少: the only quantity is a 100% completion rate (D22)."""
    c.rows = [r for r in c.rows if r.level2 != QUANTITY]
    c.rows.insert(0, Row(OUTPUT, QUANTITY, "年度工作任务完成率", "=", "100", "%", basis="计划标准", source="工作总结"))
    return True


def no_satisfaction(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    if not _index(c.rows, lambda r: r.level1 == SATISFACTION):
        return False
    c.rows = [r for r in c.rows if r.level1 != SATISFACTION]
    return True


def too_little(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """指标与项目资金不匹配: a count far too small for the money."""
    choices = _index(c.rows, lambda r: r.level2 == QUANTITY and r.symbol == "≥" and r.unit not in ("%",))
    if not choices:
        return False
    r = c.rows[choices[0]]
    r.value = number_text(max(Decimal(1), nice(float(Decimal(r.value or "0")) / rng.uniform(4, 8))))
    return True


def old_amount(c: Content, p: ProjectFacts, w: Writer, rng: random.Random) -> bool:
    """The total copied from last year's sheet, not this year's budget (D24)."""
    factor = Decimal(str(round(rng.uniform(0.88, 0.97), 3)))
    c.total = ((p.total * factor) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100
    return True


Defect = Callable[[Content, ProjectFacts, Writer, random.Random], bool]

# name -> (function, is it an error, how often units make it)
DEFECTS: dict[str, tuple[Defect, bool, int]] = {
    "vague_value": (vague_value, False, 10),
    "vague_time": (vague_time, False, 5),
    "satisfaction_100": (satisfaction_100, False, 9),
    "satisfaction_no_one": (satisfaction_no_one, False, 9),
    "no_satisfaction": (no_satisfaction, False, 2),
    "missing_cost": (missing_cost, False, 7),
    "execution_rate": (execution_rate, False, 6),
    "output_as_benefit": (output_as_benefit, False, 5),
    "cost_is_budget": (cost_is_budget, False, 6),
    "unrelated": (unrelated, False, 4),
    "no_sources": (no_sources, False, 3),
    "vague_goal": (vague_goal, False, 3),
    "completion_only": (completion_only, False, 3),
    "too_little": (too_little, False, 1),
    "rate_over_100": (rate_over_100, True, 3),
    "missing_benefit": (missing_benefit, True, 4),
    "placeholder": (placeholder, True, 3),
    "not_a_number": (not_a_number, True, 1),
    "wrong_year": (wrong_year, True, 12),
    "old_amount": (old_amount, True, 1),
}
ERROR_DEFECTS = frozenset(name for name, (_, error, _) in DEFECTS.items() if error)


def spoil(
    content: Content,
    project: ProjectFacts,
    writer: Writer,
    rng: random.Random,
    *,
    count: int,
    errors: bool = True,
    only: Sequence[str] = (),
) -> Content:
    """The content with ``count`` defects (warnings only unless ``errors``)."""
    spoilt = content.copy()
    names = [n for n in DEFECTS if (errors or n not in ERROR_DEFECTS) and (not only or n in only)]
    weights = [DEFECTS[n][2] for n in names]
    tries = 0
    while len(spoilt.defects) < count and tries < 12:
        tries += 1
        name = rng.choices(names, weights)[0]
        if name in spoilt.defects:
            continue
        if DEFECTS[name][0](spoilt, project, writer, rng):
            spoilt.defects.append(name)
    return spoilt


def copy_boilerplate(target_content: Content, source: Content, rng: random.Random) -> bool:
    """Paste a block of another project's quality and benefit rows over this sheet's own
    (D21: 指标照搬其他项目)."""
    pasted = [r for r in source.rows if r.level2 == QUALITY or r.level1 == BENEFIT][:2]
    if not pasted:
        return False
    for row in pasted:
        same = [i for i, r in enumerate(target_content.rows) if r.level1 == row.level1 and r.level2 == row.level2]
        if same:
            target_content.rows[same[0]] = replace(row)
        else:
            target_content.rows.append(replace(row))
    target_content.defects.append("boilerplate")
    return True


def department_line_off(lines: list[dict[str, str]], rng: random.Random) -> str:
    """One project line whose amount disagrees with the project's own sheet (the report's part
    二(三): 部门整体支出目标表中的项目支出金额和项目目标表中的支出金额不一致). Returns its name."""
    line = rng.choice(lines)
    amount = Decimal(line["amount"])
    factor = Decimal(str(round(rng.choice((rng.uniform(0.85, 0.95), rng.uniform(1.05, 1.2))), 3)))
    line["amount"] = f"{((amount * factor) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100:.2f}"
    return line["name"]


# --- what units write when they justify a warning, and what reviewers write back -----------

JUSTIFICATIONS: dict[str, str] = {
    "clarity.vague-wording": "该项效果难以在当年量化，按单位以往做法定性表述，年终以工作总结佐证",
    "measurability.qualitative-no-levels": "该项按定性评价，年终由主管部门评定等级",
    "measurability.time-no-deadline": "该项工作随到随办，难以设定统一时限",
    "reasonableness.satisfaction-100": "上年满意度调查结果为100%，按历史标准设定",
    "clarity.satisfaction-no-respondent": "满意度调查面向项目全体服务对象",
    "completeness.missing-satisfaction": "本项目无直接服务对象，未设置满意度指标",
    "completeness.missing-cost": "项目支出按预算明细控制，暂无合适的单位成本指标",
    "clarity.management-as-output": "按主管部门要求列入资金执行相关指标",
    "clarity.output-as-benefit": "该指标反映项目服务覆盖面，沿用上年指标体系",
    "reasonableness.cost-equals-budget": "项目成本按预算总额控制，不突破预算",
    "relevance.boilerplate": "该指标为单位年度考核共性指标，各项目统一设置",
    "relevance.unrelated-indicator": "该指标为单位年度考核指标，一并纳入",
    "measurability.no-data-source": "数据来源为单位业务台账，年终自评时提供",
    "clarity.vague-goal": "总体目标按部门职责概括表述，具体目标见各项指标",
    "reasonableness.self-referential": "项目任务量以年度计划为准，按完成率考核",
    "relevance.unit-cost-out-of-range": "项目资金还包含配套支出，单位成本口径与指标库不同",
    "measurability.few-quantitative": "部分指标难以量化，已尽量细化",
    "completeness.missing-output-dimension": "项目产出以数量和质量考核为主",
}
DEFAULT_JUSTIFICATION = "已核实，该项按单位实际情况设置"


def justification(rules: Sequence[str]) -> str:
    said = []
    for rule in rules:
        text = JUSTIFICATIONS.get(rule, DEFAULT_JUSTIFICATION)
        if text not in said:
            said.append(text)
    return "；".join(said) + "。"
