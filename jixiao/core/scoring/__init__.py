"""Scoring a self-evaluation (绩效自评) by DOMAIN.md §7, and its checks (§16.5, S1–S7).

Budget execution earns ``min(spent / adjusted budget, 1) * its points``; each indicator earns its
points by its symbol (正向, 等于, 反向, 定性 in bands); every indicator is rounded half up to two
decimals before the total is added up, and the total gets a grade (优/良/中/差). The rules
(weights, the reverse formula, bands, grades, thresholds) are versioned data
(``data/evaluation/scoring.json``) that a region may override.

The scorer never invents a number: an actual it cannot read, a target it cannot score against
or a missing weight leaves that score ``None`` with a finding that says why, and a total with a
missing part is ``None`` too.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.core.checks.catalogue import OFF, Finding, RuleSet
from jixiao.core.money import round_half_up
from jixiao.core.scoring.rules import CATALOGUE, HUNDRED, ZERO, Band, ScoreFinding, ScoringRules, points_text
from jixiao.core.selfeval import Claim, SelfEvaluation
from jixiao.core.sheet import Indicator
from jixiao.core.values import COMPARISONS, NOT_A_NUMBER, PLACEHOLDER, UNIT_CONFLICT, Target, parse_target

SCORE_SCHEMA = "jixiao.score/1"
CENT = Decimal("0.01")
# Targets and actuals from a thousand trillion up are not scored: no indicator counts that high,
# and the arithmetic would outrun Decimal's 28 digits.
LARGEST = Decimal(10) ** 15


# --- findings ----------------------------------------------------------------------------------


class _Findings:
    def __init__(self, rules: ScoringRules) -> None:
        self.rules = rules
        self.items: list[ScoreFinding] = []

    def add(self, code: str, indicator: int | None = None, field: str | None = None, **params: object) -> None:
        severity = self.rules.severities.get(code, OFF)
        if severity != OFF:
            text = {k: v if isinstance(v, str) else _text(v) or "" for k, v in params.items()}
            self.items.append(ScoreFinding(code, severity, indicator, field, text))


# --- results -----------------------------------------------------------------------------------


@dataclass
class IndicatorScore:
    index: int
    weight: Decimal | None
    completion: Decimal | None  # actual / target, in percent
    score: Decimal | None
    level: str = ""  # a qualitative indicator's band

    def to_data(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "weight": _text(self.weight),
            "completion": _text(self.completion),
            "score": _text(self.score),
            **({"level": self.level} if self.level else {}),
        }


@dataclass(frozen=True)
class Discrepancy:
    field: str  # execution_rate, execution_score, indicator_scores[N], total, grade
    claimed: str
    computed: str | None

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "claimed": self.claimed, "computed": self.computed}


@dataclass
class ScoreResult:
    source: str
    rules_version: str
    execution_rate: Decimal | None
    execution_weight: Decimal
    execution_score: Decimal | None
    indicators: list[IndicatorScore]
    total: Decimal | None
    grade: str | None
    notes: list[str] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    findings: list[ScoreFinding] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """One evaluation as formats §4 writes it."""
        return {
            "source": self.source,
            "rules_version": self.rules_version,
            "execution_rate": _text(self.execution_rate),
            "execution_score": _text(self.execution_score),
            "indicators": [i.to_data() for i in self.indicators],
            "total": _text(self.total),
            "grade": self.grade,
            "notes": list(self.notes),
            "discrepancies": [d.to_data() for d in self.discrepancies],
            "findings": [f.to_data() for f in self.findings],
        }

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return _points(value)
    return str(value)


_points = points_text


def _plain(value: Decimal) -> str:
    """A number as a person writes it: 97.5, 500, 0.8."""
    return format(value.normalize(), "f")


# --- weights -----------------------------------------------------------------------------------


def split(points: Decimal, parts: int) -> list[Decimal]:
    """``points`` in ``parts`` shares of whole cents that add up exactly (the first ones get the
    leftover cents): 50 in 3 → 16.67, 16.67, 16.66."""
    if parts <= 0:
        return []
    cents = int((points / CENT).to_integral_value())
    base, extra = divmod(cents, parts)
    return [Decimal(base + (1 if i < extra else 0)) * CENT for i in range(parts)]


def _apportion(points: Decimal, shares: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """``points`` divided in proportion to ``shares``, in whole cents adding up exactly
    (largest remainder)."""
    total = sum(shares.values(), ZERO)
    if total == 0:
        return {key: ZERO for key in shares}
    cents = int((points / CENT).to_integral_value())
    exact = {key: Decimal(cents) * share / total for key, share in shares.items()}
    floors = {key: int(value) for key, value in exact.items()}
    leftover = cents - sum(floors.values())
    for key in sorted(exact, key=lambda k: exact[k] - floors[k], reverse=True)[:leftover]:
        floors[key] += 1
    return {key: Decimal(value) * CENT for key, value in floors.items()}


def default_weights(
    indicators: Sequence[Indicator], rules: ScoringRules, execution_weight: Decimal
) -> tuple[list[Decimal | None], list[str]]:
    """Weights when the form gives none: each level1's points split evenly among its indicators;
    a level1 with no indicator gives its points to the others in proportion (``pro_rata``).
    Indicators under a level1 the rules have no points for get ``None``."""
    notes: list[str] = []
    groups = [rules.group(i.level1) for i in indicators]
    present = {g: rules.level1_weights[g] for g in rules.level1_weights if g in groups}
    points = dict(present)
    absent = [g for g in rules.level1_weights if g not in present]
    available = HUNDRED - execution_weight
    if absent and present:
        if rules.missing_level1 == "pro_rata":
            points = _apportion(available, present)
            notes.append(
                f"没有{'、'.join(absent)}，其分值按比例分给其他一级指标："
                + "，".join(f"{g} {_points(p)} 分" for g, p in points.items())
                + "。"
            )
        else:
            lost = sum((rules.level1_weights[g] for g in absent), ZERO)
            notes.append(f"没有{'、'.join(absent)}，其 {_points(lost)} 分不计，满分为 {_points(HUNDRED - lost)} 分。")
    elif execution_weight != rules.execution_weight and present:
        points = _apportion(available, present)
    shares: dict[str, list[Decimal]] = {g: split(p, groups.count(g)) for g, p in points.items()}
    weights: list[Decimal | None] = [shares[g].pop(0) if g in shares else None for g in groups]
    if present:
        notes.append(
            "表上未设指标分值，按默认权重分配："
            + "，".join(f"{g} {_points(p)} 分" for g, p in points.items())
            + "，同一一级指标下平均分配。"
        )
    return weights, notes


def _defaults(
    indicators: Sequence[Indicator], rules: ScoringRules, execution_weight: Decimal, found: _Findings, notes: list[str]
) -> list[Decimal | None]:
    weights, more = default_weights(indicators, rules, execution_weight)
    notes.extend(more)
    for index, (indicator, weight) in enumerate(zip(indicators, weights, strict=True)):
        if weight is None:
            found.add(
                "completeness.weight-missing",
                index,
                "weight",
                name=indicator.name,
                reason=f"，一级指标「{indicator.level1}」也没有统一的默认分值",
            )
    return weights


def _weights(
    ev: SelfEvaluation, rules: ScoringRules, execution_weight: Decimal, found: _Findings, notes: list[str]
) -> list[Decimal | None]:
    """The points each indicator is scored out of. The sheet's own weights when it gives them all;
    when it gives only some, the default weights for all (the unit cannot change an approved
    sheet's weights, so the form still scores); weights that do not add up to 100 are scaled to
    100 in proportion. Each fallback leaves a note and a finding for finance."""
    indicators = ev.sheet.indicators
    given = [i.weight for i in indicators]
    if all(w is None for w in given):
        return _defaults(indicators, rules, execution_weight, found, notes)
    if any(w is None for w in given):
        for index, (indicator, weight) in enumerate(zip(indicators, given, strict=True)):
            if weight is None:
                found.add(
                    "completeness.weight-missing", index, "weight", name=indicator.name, reason="，而其他指标设了分值"
                )
        notes.append("目标表只有部分指标设了分值，全部指标改按默认权重计分。")
        return _defaults(indicators, rules, execution_weight, found, notes)
    weights = [w for w in given if w is not None]
    by_group: dict[str, Decimal] = {}
    for indicator, weight in zip(indicators, weights, strict=True):
        group = rules.group(indicator.level1)
        by_group[group] = by_group.get(group, ZERO) + weight
    expected = {"预算执行率": rules.execution_weight, **rules.level1_weights}
    actual = {"预算执行率": execution_weight, **{g: by_group.get(g, ZERO) for g in rules.level1_weights}}
    actual.update({g: w for g, w in by_group.items() if g not in actual})
    if any(actual.get(k, ZERO) != v for k, v in expected.items()) or set(actual) - set(expected):
        found.add(
            "reasonableness.level1-weights-changed",
            None,
            "weight",
            actual="、".join(f"{k} {_plain(v)}" for k, v in actual.items()),
            expected="、".join(f"{k} {_plain(v)}" for k, v in expected.items()),
        )
    total = execution_weight + sum(weights, ZERO)
    if total == HUNDRED:
        return list(weights)
    found.add("consistency.weights-not-100", None, "weight", sum=_plain(total))
    if sum(weights, ZERO) <= 0:
        notes.append("目标表的指标分值合计为 0，改按默认权重计分。")
        return _defaults(indicators, rules, execution_weight, found, notes)
    scaled = _apportion(HUNDRED - execution_weight, {str(i): w for i, w in enumerate(weights)})
    notes.append(f"目标表的分值合计 {_plain(total)} 分，各指标分值已按比例折算，使总分为 100 分。")
    return [scaled[str(i)] for i in range(len(weights))]


# --- indicator scores --------------------------------------------------------------------------

_READ_PROBLEMS = {
    NOT_A_NUMBER: "不是确定的数",
    PLACEHOLDER: "是待填的占位符",
}


@dataclass
class _Scored:
    score: Decimal | None = None
    completion: Decimal | None = None
    level: str = ""
    deviation: str = ""  # why a deviation reason is needed, when it is
    actual: Decimal | None = None
    copied: bool = False  # the actual is the target, as written


def score_number(
    symbol: str, target: Decimal, actual: Decimal, weight: Decimal, *, reverse: str = "linear_to_2x"
) -> Decimal:
    """The unrounded points of a quantitative indicator (DOMAIN.md §7.4). A target that is not
    above zero has no share to give: reached, full points; missed, none (and the missed target
    needs its deviation reason like any other)."""
    if symbol in ("≥", ">"):
        if actual >= target:
            return weight
        if target <= 0:
            return ZERO
        return max(ZERO, actual / target) * weight
    if symbol == "=":
        if target <= 0:
            return weight if actual == target or (target == 0 and actual <= 0) else ZERO
        return weight if actual >= target else max(ZERO, actual / target) * weight
    if symbol in ("≤", "<"):
        if actual <= target:
            return weight
        if target <= 0:
            return ZERO
        if reverse == "ratio":
            return target / actual * weight
        if actual >= 2 * target:
            return ZERO
        return (1 - (actual - target) / target) * weight
    raise ValueError(f"not a comparison symbol: {symbol}")


def _deviation(symbol: str, target: Decimal, actual: Decimal, rules: ScoringRules, unit: str) -> str:
    shown_t, shown_a = _plain(target) + unit, _plain(actual) + unit
    if symbol in ("≥", ">") or (symbol == "=" and target > 0):
        if actual < target:
            return f"实际完成 {shown_a}，未达到指标值 {symbol}{shown_t}"
        if target > 0 and actual / target >= rules.number("over_achievement"):
            share = round_half_up(actual / target * HUNDRED, 0)
            return f"实际完成 {shown_a}，是指标值 {shown_t} 的 {share}%，大幅超额完成"
        return ""
    if symbol == "=" and actual != target and not (target == 0 and actual <= 0):
        return f"实际完成 {shown_a}，与指标值 ={shown_t} 不符"
    if symbol in ("≤", "<") and actual > target:
        return f"实际 {shown_a}，超过指标值 {symbol}{shown_t}"
    return ""


def _read_actual(indicator: Indicator, target: Target, year: int) -> tuple[Target | None, str]:
    """The actual as a number or date, or (None, why it cannot be read)."""
    unit = indicator.unit or target.unit
    actual = parse_target(indicator.actual, unit=unit, date_context=target.date is not None, year=year)
    if actual.problem == UNIT_CONFLICT:
        return None, f"的单位「{actual.cell_unit}」与指标单位「{unit}」不符"
    if actual.problem in _READ_PROBLEMS:
        return None, _READ_PROBLEMS[actual.problem]
    if actual.problem is not None:
        return None, "无法识别"
    if actual.symbol == "定性" or (actual.number is None and actual.date is None):
        return None, "是文字，定量指标应填数字"
    if target.date is not None:
        if actual.date is None:
            return None, "不是日期，时效指标应填完成日期"
        return actual, ""
    if actual.symbol in COMPARISONS:
        return None, f"带有「{actual.symbol}」，实际完成值应是一个确定的数"
    if actual.number is not None and abs(actual.number) >= LARGEST:
        return None, "超出可以计算的范围"
    return actual, ""


def _score_indicator(
    index: int, indicator: Indicator, weight: Decimal | None, ev: SelfEvaluation, rules: ScoringRules, found: _Findings
) -> _Scored:
    out = _Scored()
    target = indicator.target
    raw = indicator.actual.strip()
    comparable = target.symbol in COMPARISONS and (
        (target.number is not None and abs(target.number) < LARGEST) or target.date is not None
    )
    qualitative = target.symbol == "定性" or not comparable
    if not comparable and target.symbol != "定性":
        # An approved sheet's target the unit cannot change: rated by level, so the form still scores.
        reason = "不是可以比较的数值" if target.problem is None else "无法识别"
        found.add(
            "measurability.target-unscorable", index, "value", name=indicator.name, target=target.raw, reason=reason
        )
    if not raw:
        found.add("completeness.actual-missing", index, "actual", name=indicator.name)
        return out
    if qualitative:
        level = rules.level(raw)
        if level is None:
            names = "」「".join(rules.bands)
            found.add(
                "measurability.actual-unreadable",
                index,
                "actual",
                name=indicator.name,
                actual=raw,
                reason=f"不是「{names}」之一",
            )
            return out
        out.level = level
        band = rules.bands[level]
        if level != next(iter(rules.bands)):
            out.deviation = f"评为「{level}」"
        if weight is None:
            return out
        if weight == 0:
            out.score = ZERO.quantize(CENT)  # no points to give: nothing to ask for
            return out
        given = indicator.score
        if given is None:
            if band.default is None:
                found.add(
                    "completeness.qualitative-score-missing",
                    index,
                    "score",
                    name=indicator.name,
                    level=level,
                    band=band.text(weight),
                )
                return out
            out.score = round_half_up(weight * band.default)
            return out
        low, high = band.bounds(weight)
        if not low <= given <= high:
            found.add(
                "consistency.score-out-of-band",
                index,
                "score",
                name=indicator.name,
                level=level,
                band=band.text(weight),
                score=_plain(given),
            )
            return out
        out.score = round_half_up(given)
        return out

    if indicator.score is not None:
        found.add("consistency.score-not-allowed", index, "score", name=indicator.name, score=_plain(indicator.score))
    actual, why = _read_actual(indicator, target, ev.sheet.year)
    if actual is None:
        found.add("measurability.actual-unreadable", index, "actual", name=indicator.name, actual=raw, reason=why)
        return out
    if target.date is not None:
        assert actual.date is not None
        on_time = actual.date <= target.date
        if not on_time:
            late = (actual.date - target.date).days
            out.deviation = f"{actual.date:%Y年%m月%d日}完成，比期限 {target.date:%Y年%m月%d日} 晚 {late} 天"
        out.copied = actual.date == target.date
        if weight is not None:
            out.score = round_half_up(weight if on_time else ZERO)
        return out
    assert target.number is not None and actual.number is not None and target.symbol is not None
    out.actual = actual.number
    out.copied = actual.number == target.number
    if target.number != 0 and target.symbol not in ("≤", "<"):
        # 完成率 of a ceiling (≤ 0.5%) would read 40% for an actual well under it: not shown.
        out.completion = round_half_up(actual.number / target.number * HUNDRED)
    out.deviation = _deviation(target.symbol, target.number, actual.number, rules, target.unit)
    if weight is None:
        return out
    out.score = round_half_up(score_number(target.symbol, target.number, actual.number, weight, reverse=rules.reverse))
    return out


# --- the form ----------------------------------------------------------------------------------


def execution_score(
    adjusted: Decimal | None, spent: Decimal | None, weight: Decimal
) -> tuple[Decimal | None, Decimal | None, str]:
    """(rate in percent, points, why not) of the budget-execution line: spent / adjusted budget,
    points capped at ``weight``; both rounded half up to two decimals."""
    if adjusted is None:
        return None, None, "没有全年预算数"
    if spent is None:
        return None, None, "没有全年执行数"
    if adjusted <= 0:
        return None, None, f"全年预算数为 {_plain(adjusted)} 元，应大于 0"
    ratio = spent / adjusted
    return round_half_up(ratio * HUNDRED), round_half_up(min(ratio, Decimal(1)) * weight), ""


def score(ev: SelfEvaluation, rules: ScoringRules | None = None, *, evidenced: Collection[int] = ()) -> ScoreResult:
    """Score one self-evaluation: execution, each indicator, total and grade, with the checks of
    DOMAIN.md §16.5 as findings and every ``claimed`` figure that differs as a discrepancy.

    ``evidenced`` holds the indexes of indicators with evidence files attached (in the system):
    they count as sourced for the evidence check (S6)."""
    rules = rules or ScoringRules.default()
    found = _Findings(rules)
    notes: list[str] = []
    sheet = ev.sheet
    execution_weight = ev.execution.weight if ev.execution.weight is not None else rules.execution_weight

    rate, exec_points, why = execution_score(ev.execution.adjusted_budget, ev.execution.spent, execution_weight)
    if why:
        found.add("measurability.execution-unscorable", None, "execution", reason=why)
    elif rate is not None and rate > HUNDRED:
        found.add(
            "consistency.spent-over-budget",
            None,
            "execution",
            spent=_plain(ev.execution.spent or ZERO),
            budget=_plain(ev.execution.adjusted_budget or ZERO),
            rate=_points(rate),
        )
    elif rate is not None and rate < rules.number("execution_reason_below") and not ev.execution.reason:
        found.add(
            "completeness.execution-unexplained",
            None,
            "execution",
            rate=_points(rate),
            threshold=_plain(rules.number("execution_reason_below")),
        )

    weights = _weights(ev, rules, execution_weight, found, notes)
    scored: list[_Scored] = []
    for index, (indicator, weight) in enumerate(zip(sheet.indicators, weights, strict=True)):
        one = _score_indicator(index, indicator, weight, ev, rules, found)
        scored.append(one)
        if one.deviation and not indicator.deviation_reason.strip():
            found.add(
                "completeness.deviation-unexplained",
                index,
                "deviation_reason",
                name=indicator.name,
                deviation=one.deviation,
            )
        if (
            indicator.target.quantitative
            and one.actual is not None
            and not indicator.source.strip()
            and index not in evidenced
        ):
            found.add("measurability.actual-without-source", index, "source", name=indicator.name)

    parts = [exec_points, *(s.score for s in scored)]
    total: Decimal | None = None
    grade: str | None = None
    if sheet.indicators and all(p is not None for p in parts):
        total = sum((p for p in parts if p is not None), ZERO)
        grade = rules.grade(total)
    elif not sheet.indicators:
        notes.append("自评表没有绩效指标，不计算总分。")
    else:
        missing = sum(1 for p in parts if p is None)
        notes.append(f"有 {missing} 项无法计分，不计算总分和等级；改正后重新计分。")

    quantitative = [s for i, s in zip(sheet.indicators, scored, strict=True) if i.target.quantitative or i.target.date]
    if (
        total is not None
        and len(quantitative) >= 2
        and all(s.copied for s in quantitative)
        and total >= rules.number("copied_min_total")
    ):
        found.add("reasonableness.actuals-copied", None, "actual", count=str(len(quantitative)), total=_points(total))
    if (
        total is not None
        and rate is not None
        and total >= rules.number("high_score")
        and rate < rules.number("low_execution")
    ):
        found.add("reasonableness.high-score-low-execution", None, None, rate=_points(rate), total=_points(total))
    if sheet.special_bond and sheet.kind == "project":
        words = RuleSet.default().pattern("revenue_words")
        if not any(words.search(i.name) for i in sheet.indicators):
            found.add("relevance.special-bond-no-revenue", None, "indicators")
    if rules.reverse == "ratio" and any(i.target.symbol in ("≤", "<") for i in sheet.indicators):
        notes.append("反向指标按「分值 * 指标值 / 实际值」计分（本地区规则）。")

    result = ScoreResult(
        source=ev.source,
        rules_version=rules.version,
        execution_rate=rate,
        execution_weight=execution_weight,
        execution_score=exec_points,
        indicators=[
            IndicatorScore(index=i, weight=w, completion=s.completion, score=s.score, level=s.level)
            for i, (w, s) in enumerate(zip(weights, scored, strict=True))
        ],
        total=total,
        grade=grade,
        notes=notes,
    )
    if ev.claimed is not None:
        result.discrepancies = discrepancies(ev, result)
        _claimed_sum(ev, rules, found)
    result.findings = sorted(found.items, key=Finding.sort_key)
    return result


def _differs(claim: Claim, computed: Decimal | None) -> bool:
    return computed is None or claim.number is None or round_half_up(claim.number) != computed


def discrepancies(ev: SelfEvaluation, result: ScoreResult) -> list[Discrepancy]:
    """Every claimed figure that differs from the computed one (to the cent), in form order."""
    claimed = ev.claimed
    if claimed is None:
        return []
    out = []
    pairs: list[tuple[str, Claim | None, Decimal | None]] = [
        ("execution_rate", claimed.execution_rate, result.execution_rate),
        ("execution_score", claimed.execution_score, result.execution_score),
    ]
    for i, claim in enumerate(claimed.indicator_scores):
        computed = result.indicators[i].score if i < len(result.indicators) else None
        pairs.append((f"indicator_scores[{i}]", claim, computed))
    pairs.append(("total", claimed.total, result.total))
    for name, claim, computed in pairs:
        if claim is not None and _differs(claim, computed):
            out.append(Discrepancy(name, claim.raw, _text(computed)))
    if claimed.grade is not None and claimed.grade.raw != (result.grade or ""):
        out.append(Discrepancy("grade", claimed.grade.raw, result.grade))
    return out


def _claimed_sum(ev: SelfEvaluation, rules: ScoringRules, found: _Findings) -> None:
    """A form whose own total is not the sum of its own scores says so, whatever we computed."""
    claimed = ev.claimed
    if claimed is None or claimed.total is None or claimed.total.number is None:
        return
    parts = [claimed.execution_score, *claimed.indicator_scores]
    if len(claimed.indicator_scores) != len(ev.sheet.indicators) or any(p is None or p.number is None for p in parts):
        return
    own_sum = sum((p.number for p in parts if p is not None and p.number is not None), ZERO)
    if abs(own_sum - claimed.total.number) > rules.number("claimed_tolerance"):
        found.add("consistency.claimed-total-mismatch", None, "total", claimed=claimed.total.raw, sum=_plain(own_sum))


def distortion(unit_total: Decimal, check_total: Decimal, rules: ScoringRules | None = None) -> ScoreFinding | None:
    """自评失真: the unit's total above finance's re-check by the threshold (10 points) or more."""
    rules = rules or ScoringRules.default()
    threshold = rules.number("distortion_points")
    gap = unit_total - check_total
    if gap < threshold:
        return None
    found = _Findings(rules)
    found.add(
        "reasonableness.self-score-distorted",
        unit_total=_points(unit_total),
        check_total=_points(check_total),
        gap=_points(gap),
        threshold=_plain(threshold),
    )
    return found.items[0] if found.items else None


def scores_document(results: Sequence[ScoreResult]) -> dict[str, Any]:
    """The ``jixiao.score/1`` document."""
    return {"schema": SCORE_SCHEMA, "evaluations": [r.to_data() for r in results]}


__all__ = [
    "CATALOGUE",
    "SCORE_SCHEMA",
    "Band",
    "Discrepancy",
    "IndicatorScore",
    "ScoreFinding",
    "ScoreResult",
    "ScoringRules",
    "default_weights",
    "discrepancies",
    "distortion",
    "execution_score",
    "score",
    "score_number",
    "scores_document",
    "split",
]
