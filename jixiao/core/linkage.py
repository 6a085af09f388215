"""结果应用: an evaluation grade → next year's budget recommendation (DOMAIN.md §9).

``data/results/linkage.json`` maps 优/良/中/差 to an action and a cut (percent off this year's
adjusted budget); a region overrides it with ``LinkageRules.from_data``. ``recommend`` weighs the
grades, monitoring decisions and rectifications of one project and says why, reason by reason.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from jixiao.core.data import read_data
from jixiao.core.money import round_half_up, yuan_to_wan

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
GRADES = ("优", "良", "中", "差")  # best first
ACTIONS: Mapping[str, str] = {
    "priority": "优先保障",
    "keep": "保持",
    "reduce": "压减",
    "cut": "削减或取消",
    "after_rectification": "整改完成后安排",
    "none": "无评价结果，按常规审核",
}
UNRECTIFIED = ("after", "cut")
PREFER = ("key", "lower")
SOURCES = ("selfeval", "recheck", "keyeval")
DECISION_KINDS: Mapping[str, str] = {
    "continue": "继续执行",
    "correct": "纠偏",
    "adjust": "调剂预算",
    "suspend": "暂缓拨款",
    "stop": "停止执行、收回资金",
}
STATUSES: Mapping[str, str] = {"open": "待单位落实", "answered": "单位已反馈", "closed": "已办结"}
AFTER = "（整改完成后安排）"
KEPT_IF_UNRECTIFIED = ("priority", "keep", "reduce", "none")


@dataclass(frozen=True)
class Rule:
    grade: str
    action: str
    label: str
    cut: Decimal  # percent (0–100) taken off the base amount


@dataclass(frozen=True)
class LinkageRules:
    version: str
    rules: Mapping[str, Rule]  # 优 良 中 差
    unrectified: str  # "after": fund only after rectification; "cut": apply the 差 rule's cut
    stop_decision_cut: Decimal = HUNDRED  # percent cut once monitoring decided 停止执行
    prefer: str = "key"  # "key": a key-evaluation grade overrides; "lower": the lower grade counts

    @classmethod
    def default(cls) -> "LinkageRules":
        return _default_rules()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "LinkageRules":
        """A region's rules merged over the shipped ones; ``rules`` merges per grade and field.

        Anything unknown or malformed raises ``ValueError`` with a Chinese message naming the key.
        """
        if not isinstance(data, Mapping):
            raise ValueError("结果应用规则应为 JSON 对象")
        base = _shipped()
        unknown = set(data) - set(base)
        if unknown:
            raise ValueError(f"结果应用规则含有无法识别的项目：{'、'.join(sorted(map(str, unknown)))}")
        merged = {**base, **data}
        rules = dict(_object(base, "rules"))
        overrides = _object(data, "rules")
        for grade in overrides:
            if grade not in GRADES:
                raise ValueError(f"结果应用规则「rules.{grade}」不是等级，应为 {'、'.join(GRADES)} 之一")
            override = _object(overrides, grade)
            rules[grade] = {**rules[grade], **override}
            if "action" in override and "label" not in override:  # the new action's own words
                rules[grade].pop("label", None)
        merged["rules"] = rules
        if "version" not in data:
            merged["version"] = f"{base['version']}+custom"
        return _build(merged)

    def to_data(self) -> dict[str, Any]:
        """The rules as the data file writes them, to freeze into a round."""
        return {
            "version": self.version,
            "rules": {g: {"action": r.action, "label": r.label, "cut": str(r.cut)} for g, r in self.rules.items()},
            "unrectified": self.unrectified,
            "stop_decision_cut": str(self.stop_decision_cut),
            "prefer": self.prefer,
        }


@cache
def _shipped() -> Mapping[str, Any]:
    data: dict[str, Any] = json.loads(read_data("results/linkage.json"))
    return data


@cache
def _default_rules() -> LinkageRules:
    return _build(_shipped())


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise ValueError(f"结果应用规则「{key}」应为 JSON 对象")
    return value


def _percent(key: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f'结果应用规则「{key}」应为数字（如 "10"）')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"结果应用规则「{key}」的值「{value}」不是数字") from None
    if not number.is_finite() or not 0 <= number <= HUNDRED:
        raise ValueError(f"结果应用规则「{key}」的值「{value}」应为 0 到 100 的数字")
    if number != number.quantize(CENT):
        raise ValueError(f"结果应用规则「{key}」的值「{value}」最多保留两位小数")
    return number


def _choice(key: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"结果应用规则「{key}」的值「{value}」无效，应为 {'、'.join(choices)} 之一")
    return str(value)


def _build(data: Mapping[str, Any]) -> LinkageRules:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError("结果应用规则版本号「version」应为文字")
    raw = _object(data, "rules")
    rules = {}
    for grade in GRADES:
        item = _object(raw, grade)
        extra = set(item) - {"action", "label", "cut"}
        if extra:
            raise ValueError(f"结果应用规则「rules.{grade}」含有无法识别的项目：{'、'.join(sorted(map(str, extra)))}")
        action = _choice(f"rules.{grade}.action", item.get("action"), tuple(ACTIONS))
        label = item.get("label", ACTIONS[action])
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"结果应用规则「rules.{grade}.label」应为文字")
        rules[grade] = Rule(grade, action, label.strip(), _percent(f"rules.{grade}.cut", item.get("cut")))
    return LinkageRules(
        version=version,
        rules=rules,
        unrectified=_choice("unrectified", data.get("unrectified"), UNRECTIFIED),
        stop_decision_cut=_percent("stop_decision_cut", data.get("stop_decision_cut")),
        prefer=_choice("prefer", data.get("prefer"), PREFER),
    )


# --- facts in, recommendation out -------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    source: str  # "selfeval" | "recheck" (finance re-checked the score) | "keyeval"
    grade: str  # 优 良 中 差
    score: Decimal | None
    label: str  # "2023年度绩效自评"
    ref: str = ""  # opaque id or url the caller links back with


@dataclass(frozen=True)
class DecisionFact:
    kind: str  # continue | correct | adjust | suspend | stop
    label: str
    status: str  # open | answered | closed
    ref: str = ""


@dataclass(frozen=True)
class RectificationFact:
    status: str  # open | answered | closed
    overdue: bool
    label: str
    ref: str = ""


@dataclass(frozen=True)
class Facts:
    base: Decimal  # this year's adjusted budget, 元
    grades: Sequence[Grade] = ()  # of one source, the last given counts
    decisions: Sequence[DecisionFact] = ()
    rectifications: Sequence[RectificationFact] = ()


@dataclass(frozen=True)
class Reason:
    kind: str  # a grade's source, "decision" or "rectification"
    text: str
    ref: str = ""
    decisive: bool = False


@dataclass(frozen=True)
class Recommendation:
    action: str
    label: str
    cut: Decimal  # percent
    amount: Decimal | None  # 元, to the cent
    grade: str | None
    reasons: tuple[Reason, ...]
    conditional: bool  # fund only after rectification


def _grade_text(g: Grade) -> str:
    score = "" if g.score is None else f" {round_half_up(g.score):.2f}分"
    return f"{g.label}{score}「{g.grade}」"


def _deciding(grades: Sequence[Grade], prefer: str) -> Grade | None:
    last = {g.source: g for g in grades}
    unit = last.get("recheck") or last.get("selfeval")
    key = last.get("keyeval")
    present = [g for g in (key, unit) if g is not None]
    if not present:
        return None
    if prefer == "key":
        return present[0]
    return max(present, key=lambda g: GRADES.index(g.grade))  # the first (key) wins a tie


def recommend(facts: Facts, rules: LinkageRules | None = None) -> Recommendation:
    """What next year's budget should be, and every fact that says why."""
    rules = rules or LinkageRules.default()
    if not facts.base.is_finite() or facts.base < 0:
        raise ValueError(f"预算基数「{facts.base}」应为不小于 0 的金额")
    for g in facts.grades:
        if g.source not in SOURCES:
            raise ValueError(f"「{g.label}」的来源「{g.source}」无效，应为 {'、'.join(SOURCES)} 之一")
        if g.grade not in GRADES:
            raise ValueError(f"「{g.label}」的等级「{g.grade}」无效，应为 {'、'.join(GRADES)} 之一")
    deciding = _deciding(facts.grades, rules.prefer)
    reasons = [Reason(g.source, _grade_text(g), g.ref, g is deciding) for g in facts.grades]
    if deciding is None:
        action, label, cut = "none", ACTIONS["none"], Decimal(0)
    else:
        rule = rules.rules[deciding.grade]
        action, label, cut = rule.action, rule.label, rule.cut
    for d in facts.decisions:
        kind = DECISION_KINDS.get(d.kind)
        status = STATUSES.get(d.status)
        if kind is None or status is None:
            raise ValueError(f"监控处理决定「{d.label}」的类型「{d.kind}」或状态「{d.status}」无效")
        stop = d.kind == "stop"
        if stop:
            action, label, cut = "cut", ACTIONS["cut"], max(cut, rules.stop_decision_cut)
        reasons.append(Reason("decision", f"{d.label}：{kind}（{status}）", d.ref, stop))
    conditional = False
    for r in facts.rectifications:
        status = STATUSES.get(r.status)
        if status is None:
            raise ValueError(f"整改「{r.label}」的状态「{r.status}」无效")
        if r.status == "closed":
            reasons.append(Reason("rectification", f"{r.label}：整改已完成", r.ref))
            continue
        overdue = "，已逾期" if r.overdue else ""
        text = f"{r.label}：整改未完成（{status}{overdue}）"
        decisive = False
        if rules.unrectified == "after":
            conditional = decisive = True
        elif rules.rules["差"].cut > cut:
            worst = rules.rules["差"]
            action, label, cut, decisive = worst.action, worst.label, worst.cut, True
        reasons.append(Reason("rectification", text, r.ref, decisive))
    if conditional and action in KEPT_IF_UNRECTIFIED:
        label += AFTER
    amount = round_half_up(facts.base * (HUNDRED - cut) / HUNDRED)
    grade = deciding.grade if deciding else None
    return Recommendation(action, label, cut, amount, grade, tuple(reasons), conditional)


def _percent_text(cut: Decimal) -> str:
    return f"{cut.normalize():f}%"


def explain(rec: Recommendation) -> str:
    """One Chinese sentence: "建议压减10%，安排90.00万元：依据2023年度财政重点评价 78.50分「中」"."""
    head = rec.label.removesuffix(AFTER)
    suffix = AFTER if rec.label.endswith(AFTER) else ""
    if rec.action == "none":
        what = f"{head}{suffix}"
    else:
        what = f"建议{head}{_percent_text(rec.cut) if rec.cut else ''}{suffix}"
    money = "" if rec.amount is None else f"，安排{yuan_to_wan(rec.amount):.2f}万元"
    basis = "；".join(r.text for r in rec.reasons if r.decisive)
    return f"{what}{money}：依据{basis}" if basis else f"{what}{money}"
