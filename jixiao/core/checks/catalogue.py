"""The rule catalogue and rule sets: every code, its Chinese text, thresholds and word lists.

All of it is data (``data/checks/rules.json``): a region adjusts thresholds, word lists and
severities with an override merged over the default (``RuleSet.from_data``); the messages,
hints and bases stay one table (STYLE.md rule 9).
"""

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from jixiao.core.data import read_data

SEVERITIES = ("error", "warning", "info")
OFF = "off"
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class RuleInfo:
    code: str
    family: str
    severity: str
    ref: str  # DOMAIN.md defect id ("D8"), "-" when none
    title: str
    message: str
    hint: str
    basis: str


@cache
def _default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(read_data("checks/rules.json"))
    return data


def rule_infos(rules: Mapping[str, Mapping[str, str]]) -> dict[str, RuleInfo]:
    """A catalogue from its data: code → ``{"severity", "ref", "title", "message", "hint", "basis"}``."""
    return {
        code: RuleInfo(
            code=code,
            family=code.split(".", 1)[0],
            severity=info["severity"],
            ref=info["ref"],
            title=info["title"],
            message=info["message"],
            hint=info["hint"],
            basis=info.get("basis", ""),
        )
        for code, info in rules.items()
    }


CATALOGUE: Mapping[str, RuleInfo] = rule_infos(_default_data()["rules"])
FAMILIES: Mapping[str, str] = dict(_default_data()["families"])
_ORDER = {code: i for i, code in enumerate(CATALOGUE)}


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, params: Mapping[str, str]) -> str:
    return template.format_map(_Params(params))


FRAGMENTS: Mapping[str, str] = dict(_default_data().get("fragments", {}))


def fragment(key: str, params: Mapping[str, str]) -> str:
    """A phrase a rule puts into one of its parameters (which of two references it used)."""
    return render(FRAGMENTS[key], params)


@dataclass(frozen=True)
class Finding:
    """One problem on a sheet: a rule code and its parameters; the words come from the catalogue."""

    rule: str
    severity: str
    indicator: int | None = None
    field: str | None = None
    params: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def family(self) -> str:
        return self.rule.split(".", 1)[0]

    @property
    def info(self) -> RuleInfo:
        return CATALOGUE[self.rule]

    @property
    def message(self) -> str:
        return render(self.info.message, self.params)

    @property
    def hint(self) -> str:
        return render(self.info.hint, self.params)

    @property
    def basis(self) -> str:
        return self.info.basis

    def sort_key(self) -> tuple[int, int, int, int]:
        return (
            0 if self.indicator is None else 1,
            -1 if self.indicator is None else self.indicator,
            SEVERITY_RANK.get(self.severity, 3),
            _ORDER.get(self.rule, len(_ORDER)),
        )

    def to_data(self) -> dict[str, Any]:
        """The finding as formats/README.md §3 writes it."""
        return {
            "rule": self.rule,
            "family": self.family,
            "severity": self.severity,
            "indicator": self.indicator,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "basis": self.basis,
        }


def _threshold(key: str, value: object, default: object) -> object:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"规则集阈值「{key}」应为 true 或 false")
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f'规则集阈值「{key}」应为数字（如 "0.3"）')
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"规则集阈值「{key}」的值「{value}」不是数字") from None
    if not number.is_finite() or abs(number) > Decimal(10) ** 12:
        raise ValueError(f"规则集阈值「{key}」的值「{value}」应为有限的数字")
    return number


def _words(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(w, str) for w in value):
        raise ValueError(f"规则集词表「{key}」应为文字列表")
    return tuple(w for w in value if w)


@dataclass(frozen=True)
class RuleSet:
    """Thresholds, word lists and severities the rules run with; one version string names it.

    Compiled patterns are cached on the instance: build a rule set once and reuse it.
    """

    version: str
    thresholds: Mapping[str, object]
    lexicons: Mapping[str, Sequence[str]]
    severities: Mapping[str, str]
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @classmethod
    def default(cls) -> "RuleSet":
        return _default_rules()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "RuleSet":
        """Overrides merged over the default: ``{"version", "thresholds", "lexicons", "severities"}``.

        A word list replaces the default one, or changes it with ``{"add": [...], "remove": [...]}``.
        Unknown keys, codes and severities raise ``ValueError`` with a Chinese message.
        """
        if not isinstance(data, Mapping):
            raise ValueError("规则集应为 JSON 对象")
        base = _default_rules()
        unknown = set(data) - {"version", "thresholds", "lexicons", "severities"}
        if unknown:
            raise ValueError(f"规则集含有无法识别的项目：{'、'.join(sorted(unknown))}")
        version = data.get("version") or f"{base.version}+custom"
        if not isinstance(version, str):
            raise ValueError("规则集版本号「version」应为文字")
        thresholds = dict(base.thresholds)
        for key, value in _mapping(data, "thresholds").items():
            if key not in thresholds:
                raise ValueError(f"规则集阈值「{key}」不存在")
            thresholds[key] = _threshold(key, value, thresholds[key])
        lexicons = dict(base.lexicons)
        for key, value in _mapping(data, "lexicons").items():
            if key not in lexicons:
                raise ValueError(f"规则集词表「{key}」不存在")
            if isinstance(value, Mapping):
                if set(value) - {"add", "remove"}:
                    raise ValueError(f"规则集词表「{key}」只能用 add、remove 修改")
                removed = set(_words(key, value.get("remove", [])))
                kept = [w for w in lexicons[key] if w not in removed]
                lexicons[key] = tuple(dict.fromkeys([*kept, *_words(key, value.get("add", []))]))
            else:
                lexicons[key] = _words(key, value)
        severities = dict(base.severities)
        for code, severity in _mapping(data, "severities").items():
            if code not in CATALOGUE:
                raise ValueError(f"规则「{code}」不存在")
            if severity not in (*SEVERITIES, OFF):
                raise ValueError(f"规则「{code}」的级别「{severity}」无效，应为 error、warning、info 或 off")
            severities[code] = severity
        return cls(version=version, thresholds=thresholds, lexicons=lexicons, severities=severities)

    def to_data(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "thresholds": {k: v if isinstance(v, bool) else str(v) for k, v in self.thresholds.items()},
            "lexicons": {k: list(v) for k, v in self.lexicons.items()},
            "severities": dict(self.severities),
        }

    def number(self, key: str) -> Decimal:
        value = self.thresholds[key]
        assert isinstance(value, Decimal), key
        return value

    def flag(self, key: str) -> bool:
        return self.thresholds[key] is True

    def words(self, key: str) -> frozenset[str]:
        """A word list as a set, for whole-text lookups."""
        cached = self._cache.get(key + "#set")
        if cached is None:
            cached = self._cache[key + "#set"] = frozenset(self.lexicons[key])
        result: frozenset[str] = cached
        return result

    def pattern(self, key: str, *, suffix: bool = False) -> re.Pattern[str]:
        """A word list as one alternation, longest words first (so 效果明显 wins over 明显);
        ``suffix`` anchors it at the end of the text."""
        cache_key = key + "$" if suffix else key
        cached = self._cache.get(cache_key)
        if cached is None:
            words = sorted(self.lexicons[key], key=len, reverse=True)
            body = "|".join(re.escape(w) for w in words) or r"(?!x)x"
            cached = self._cache[cache_key] = re.compile(f"(?:{body})$" if suffix else f"(?:{body})")
        result: re.Pattern[str] = cached
        return result

    def regex(self, key: str) -> re.Pattern[str]:
        """A list of regular expressions (placeholder patterns) as one alternation."""
        cache_key = f"{key}#re"
        cached = self._cache.get(cache_key)
        if cached is None:
            body = "|".join(f"(?:{p})" for p in self.lexicons[key]) or r"(?!x)x"
            cached = self._cache[cache_key] = re.compile(body)
        result: re.Pattern[str] = cached
        return result

    def enabled(self, code: str) -> bool:
        return self.severities.get(code, OFF) != OFF


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise ValueError(f"规则集「{key}」应为 JSON 对象")
    return value


@cache
def _default_rules() -> RuleSet:
    data = _default_data()
    thresholds = {
        key: value if isinstance(value, bool) else Decimal(str(value)) for key, value in data["thresholds"].items()
    }
    lexicons = {key: tuple(words) for key, words in data["lexicons"].items()}
    severities = {code: info.severity for code, info in CATALOGUE.items()}
    return RuleSet(version=data["version"], thresholds=thresholds, lexicons=lexicons, severities=severities)
