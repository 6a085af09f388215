"""The self-evaluation scoring rules as versioned data, and the catalogue of its checks.

``data/evaluation/scoring.json`` holds the default: weights, the reverse formula, qualitative
bands, grades, thresholds, and every check's code, Chinese message, hint, basis and severity. A
region overrides any of it with ``ScoringRules.from_data``.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from functools import cache
from typing import Any

from jixiao.core.checks.catalogue import OFF, SEVERITIES, Finding, RuleInfo, rule_infos
from jixiao.core.data import read_data
from jixiao.core.money import round_half_up

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
REVERSE_FORMULAS = ("linear_to_2x", "ratio")
MISSING_LEVEL1 = ("pro_rata", "none")


def points_text(value: Decimal) -> str:
    """Two decimals, half up: how every rate and score is written."""
    return f"{round_half_up(value):.2f}"


@dataclass(frozen=True)
class Band:
    """A qualitative level's share of the points: [low, high] or [low, high)."""

    level: str
    low: Decimal
    high: Decimal
    high_included: bool
    default: Decimal | None  # the share given when the evaluator gives no score; None: must give one

    def contains(self, share: Decimal) -> bool:
        return self.low <= share and (share <= self.high if self.high_included else share < self.high)

    def bounds(self, weight: Decimal) -> tuple[Decimal, Decimal]:
        """The scores allowed for ``weight`` points, in whole cents: from the low end rounded up
        to the high end rounded down (a cent below it when the high end is excluded). What the
        message shows is exactly what is checked."""
        low = (weight * self.low / CENT).to_integral_value(rounding=ROUND_CEILING) * CENT
        top = weight * self.high / CENT
        if self.high_included:
            high = top.to_integral_value(rounding=ROUND_FLOOR) * CENT
        else:
            high = (top.to_integral_value(rounding=ROUND_CEILING) - 1) * CENT
        return low, high

    def text(self, weight: Decimal) -> str:
        low, high = self.bounds(weight)
        return f"{low:.2f}（含）至 {high:.2f}（含）"


@dataclass(frozen=True)
class ScoringRules:
    version: str
    execution_weight: Decimal
    level1_weights: Mapping[str, Decimal]  # 产出指标 → 50 ...
    groups: Mapping[str, str]  # a level1 counted under another (成本指标 → 产出指标)
    missing_level1: str  # "pro_rata": an absent level1's points go to the others in proportion
    reverse: str  # "linear_to_2x" (national system) or "ratio" (target / actual)
    bands: Mapping[str, Band]
    synonyms: Mapping[str, str]
    grades: tuple[tuple[Decimal, str], ...]  # highest bound first
    thresholds: Mapping[str, Decimal]
    severities: Mapping[str, str]

    @classmethod
    def default(cls) -> "ScoringRules":
        return _default_rules()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "ScoringRules":
        """A region's rules merged over the shipped ones; keys left out keep the default.

        ``weights``, ``qualitative`` and ``thresholds`` merge one level deep; ``severities`` maps
        rule codes to ``error``/``warning``/``info``/``off``. Anything malformed raises
        ``ValueError`` with a Chinese message naming the key.
        """
        if not isinstance(data, Mapping):
            raise ValueError("评分规则应为 JSON 对象")
        base = _shipped()
        unknown = set(data) - (set(base) - {"rules"}) - {"severities"}
        if unknown:
            raise ValueError(f"评分规则含有无法识别的项目：{'、'.join(sorted(unknown))}")
        merged = {**base, **data}
        for key in ("weights", "qualitative", "thresholds"):
            merged[key] = {**base[key], **_object(data, key)}
        if "version" not in data:
            merged["version"] = f"{base['version']}+custom"
        return _build(merged)

    def to_data(self) -> dict[str, Any]:
        """The rules as the data file writes them (with severities), to freeze into a round."""
        return {
            "version": self.version,
            "weights": {
                "execution": str(self.execution_weight),
                "level1": {k: str(v) for k, v in self.level1_weights.items()},
                "groups": dict(self.groups),
                "missing_level1": self.missing_level1,
            },
            "reverse": self.reverse,
            "qualitative": {
                "levels": {
                    b.level: {
                        "low": str(b.low),
                        "high": str(b.high),
                        "high_included": b.high_included,
                        "default": None if b.default is None else str(b.default),
                    }
                    for b in self.bands.values()
                },
                "synonyms": dict(self.synonyms),
            },
            "grades": [[str(bound), name] for bound, name in self.grades],
            "thresholds": {k: str(v) for k, v in self.thresholds.items()},
            "severities": dict(self.severities),
        }

    def number(self, key: str) -> Decimal:
        return self.thresholds[key]

    def grade(self, total: Decimal) -> str:
        for bound, name in self.grades:
            if total >= bound:
                return name
        return self.grades[-1][1]

    def level(self, text: str) -> str | None:
        """The band a qualitative actual names (达成, 部分达成, 未达成 or a synonym), or None."""
        word = "".join(text.split())
        word = self.synonyms.get(word, word)
        return word if word in self.bands else None

    def group(self, level1: str) -> str:
        return self.groups.get(level1, level1)


@cache
def _shipped() -> Mapping[str, Any]:
    data: dict[str, Any] = json.loads(read_data("evaluation/scoring.json"))
    return data


@cache
def _default_rules() -> ScoringRules:
    return _build(_shipped())


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise ValueError(f"评分规则「{key}」应为 JSON 对象")
    return value


def _decimal(key: str, value: object, *, low: Decimal = ZERO, high: Decimal | None = None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f'评分规则「{key}」应为数字（如 "10"）')
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"评分规则「{key}」的值「{value}」不是数字") from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        bound = f"{low} 到 {high}" if high is not None else f"不小于 {low}"
        raise ValueError(f"评分规则「{key}」的值「{value}」应为{bound}的数字")
    return number


def _build(data: Mapping[str, Any]) -> ScoringRules:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise ValueError("评分规则版本号「version」应为文字")
    weights = _object(data, "weights")
    execution = _decimal("weights.execution", weights.get("execution"), high=HUNDRED)
    level1 = {str(k): _decimal(f"weights.level1.{k}", v, high=HUNDRED) for k, v in _object(weights, "level1").items()}
    if not level1:
        raise ValueError("评分规则「weights.level1」不能为空")
    if execution + sum(level1.values()) != HUNDRED:
        raise ValueError("评分规则「weights」：预算执行率与一级指标分值合计应为 100")
    groups = {str(k): str(v) for k, v in _object(weights, "groups").items()}
    if any(v not in level1 for v in groups.values()):
        raise ValueError("评分规则「weights.groups」只能归入「weights.level1」中的一级指标")
    missing = weights.get("missing_level1")
    if missing not in MISSING_LEVEL1:
        raise ValueError(f"评分规则「weights.missing_level1」应为 {'、'.join(MISSING_LEVEL1)} 之一")
    reverse = data.get("reverse")
    if reverse not in REVERSE_FORMULAS:
        raise ValueError(f"评分规则「reverse」应为 {'、'.join(REVERSE_FORMULAS)} 之一")
    qualitative = _object(data, "qualitative")
    bands = {}
    levels = _object(qualitative, "levels")
    for level in levels:
        band = _object(levels, level)
        default = band.get("default")
        bands[level] = Band(
            level=level,
            low=_decimal(f"qualitative.levels.{level}.low", band.get("low"), high=Decimal(1)),
            high=_decimal(f"qualitative.levels.{level}.high", band.get("high"), high=Decimal(1)),
            high_included=band.get("high_included") is True,
            default=None
            if default is None
            else _decimal(f"qualitative.levels.{level}.default", default, high=Decimal(1)),
        )
        b = bands[level]
        if b.low > b.high or (b.default is not None and not b.contains(b.default)):
            raise ValueError(f"评分规则「qualitative.levels.{level}」的区间或默认值不成立")
    synonyms = {str(k): str(v) for k, v in _object(qualitative, "synonyms").items()}
    if any(v not in bands for v in synonyms.values()):
        raise ValueError("评分规则「qualitative.synonyms」只能指向已定义的等级")
    raw_grades = data.get("grades")
    if not isinstance(raw_grades, list) or not raw_grades:
        raise ValueError("评分规则「grades」应为 [分数下限, 等级] 的列表")
    grades = []
    for item in raw_grades:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[1], str):
            raise ValueError("评分规则「grades」应为 [分数下限, 等级] 的列表")
        grades.append((_decimal("grades", item[0], high=HUNDRED), item[1]))
    grades.sort(key=lambda g: g[0], reverse=True)
    if grades[-1][0] != ZERO:
        raise ValueError("评分规则「grades」最低一档的下限应为 0")
    base_thresholds = _shipped()["thresholds"]
    raw_thresholds = _object(data, "thresholds")
    unknown = set(raw_thresholds) - set(base_thresholds)
    if unknown:
        raise ValueError(f"评分规则阈值「{'、'.join(sorted(unknown))}」不存在")
    thresholds = {k: _decimal(f"thresholds.{k}", raw_thresholds.get(k, v)) for k, v in base_thresholds.items()}
    severities = {code: info["severity"] for code, info in _shipped()["rules"].items()}
    for code, severity in _object(data, "severities").items():
        if code not in severities:
            raise ValueError(f"自评规则「{code}」不存在")
        if severity not in (*SEVERITIES, OFF):
            raise ValueError(f"自评规则「{code}」的级别「{severity}」无效，应为 error、warning、info 或 off")
        severities[code] = severity
    return ScoringRules(
        version=version,
        execution_weight=execution,
        level1_weights=level1,
        groups=groups,
        missing_level1=str(missing),
        reverse=str(reverse),
        bands=bands,
        synonyms=synonyms,
        grades=tuple(grades),
        thresholds=thresholds,
        severities=severities,
    )


# --- findings ----------------------------------------------------------------------------------


CATALOGUE: Mapping[str, RuleInfo] = rule_infos(_shipped()["rules"])


@dataclass(frozen=True)
class ScoreFinding(Finding):
    """A self-evaluation finding: the same shape as a goal-review finding (formats §3), with its
    words from the self-evaluation catalogue."""

    @property
    def info(self) -> RuleInfo:
        return CATALOGUE[self.rule]
