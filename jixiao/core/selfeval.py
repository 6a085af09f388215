"""The self-evaluation form (绩效自评表) as plain data, and its interchange JSON (formats §2).

A self-evaluation is a goal sheet (``jixiao.core.sheet``) whose indicators carry their actuals,
plus the year's budget execution and, optionally, the scores the unit wrote on its own form
(``claimed``), which the scorer checks against its own arithmetic.
"""

import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from os import PathLike
from typing import Any

from jixiao.core.sheet import GoalSheet, SheetFormatError, _Reader, read_json_file, read_sheet

SCHEMA = "jixiao.self-evaluation/1"
CLAIMED_FIELDS = ("execution_rate", "execution_score", "indicator_scores", "total", "grade")


@dataclass
class Execution:
    """预算执行: 年初预算数, 全年预算数 (adjusted), 全年执行数, in yuan, and the line's points."""

    initial_budget: Decimal | None = None
    adjusted_budget: Decimal | None = None
    spent: Decimal | None = None
    weight: Decimal | None = None  # None: the rules' default (10)
    reason: str = ""  # why execution fell short, when it did

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            key: None if getattr(self, key) is None else str(getattr(self, key))
            for key in ("initial_budget", "adjusted_budget", "spent")
        }
        if self.weight is not None:
            data["weight"] = str(self.weight)
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass(frozen=True)
class Claim:
    """A figure as the unit wrote it (``"98.86"``, ``"95%"``, ``"优"``) and the number in it, if any."""

    raw: str
    number: Decimal | None


@dataclass
class Claimed:
    execution_rate: Claim | None = None
    execution_score: Claim | None = None
    indicator_scores: list[Claim | None] = field(default_factory=list)
    total: Claim | None = None
    grade: Claim | None = None


@dataclass
class SelfEvaluation:
    sheet: GoalSheet  # indicators carry actual, score and deviation_reason
    execution: Execution
    claimed: Claimed | None = None

    @property
    def source(self) -> str:
        return self.sheet.source

    def to_data(self) -> dict[str, Any]:
        data = self.sheet.to_data()
        data["schema"] = SCHEMA
        data["execution"] = self.execution.to_data()
        return data


def claim(value: object) -> Claim | None:
    """A claimed figure: a number, or text holding one with ``%`` or ``分``; blank is no claim."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Claim(str(value).lower(), None)
    if isinstance(value, int | float | Decimal):
        text = (
            format(value, "f")
            if isinstance(value, Decimal)
            else repr(value)
            if isinstance(value, float)
            else str(value)
        )
        return Claim(text, _decimal(text))
    if not isinstance(value, str):
        return Claim(json.dumps(value, ensure_ascii=False), None)
    raw = value.strip()
    if not raw:
        return None
    folded = unicodedata.normalize("NFKC", raw).replace(" ", "").removesuffix("%").removesuffix("分")
    return Claim(raw, _decimal(folded))


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    # A claimed figure is a rate or a score: anything past a trillion is not one, and is kept as
    # written for the discrepancy rather than computed with.
    return number if number.is_finite() and abs(number) < 10**12 else None


def read_selfeval(data: object, *, source: str) -> SelfEvaluation:
    """One self-evaluation from its interchange dict, or ``SheetFormatError`` naming the place."""
    r = _Reader(source)
    top = r.obj(data, "")
    if top.get("schema") != SCHEMA:
        raise r.fail("schema", f"「{top.get('schema')}」不是绩效自评表格式，应为「{SCHEMA}」")
    sheet = read_sheet(top, source=source)
    raw = r.obj(r.required(top, "execution", ""), "execution")
    execution = Execution(
        initial_budget=r.amount(raw.get("initial_budget"), "execution.initial_budget"),
        adjusted_budget=r.amount(raw.get("adjusted_budget"), "execution.adjusted_budget"),
        spent=r.amount(raw.get("spent"), "execution.spent"),
        weight=r.number(raw.get("weight"), "execution.weight"),
        reason=r.text(raw, "reason", "execution"),
    )
    if execution.weight is not None and not 0 <= execution.weight <= 100:
        raise r.fail("execution.weight", f"分值「{raw.get('weight')}」应在 0 到 100 之间")
    for i, indicator in enumerate(sheet.indicators):
        if indicator.weight is not None and not 0 <= indicator.weight <= 100:
            raise r.fail(f"indicators[{i}].weight", f"分值「{indicator.weight}」应在 0 到 100 之间")
    claimed = None
    if top.get("claimed") is not None:
        raw_claimed = r.obj(top["claimed"], "claimed")
        unknown = set(raw_claimed) - set(CLAIMED_FIELDS)
        if unknown:
            raise r.fail("claimed", f"无法识别「{'、'.join(sorted(unknown))}」，应为 {'、'.join(CLAIMED_FIELDS)}")
        scores = r.items(raw_claimed, "indicator_scores", "claimed", required=False)
        claimed = Claimed(
            execution_rate=claim(raw_claimed.get("execution_rate")),
            execution_score=claim(raw_claimed.get("execution_score")),
            indicator_scores=[claim(value) for value in scores],
            total=claim(raw_claimed.get("total")),
            grade=claim(raw_claimed.get("grade")),
        )
    return SelfEvaluation(sheet=sheet, execution=execution, claimed=claimed)


def read_selfevals(data: object, *, file: str) -> list[SelfEvaluation]:
    items = data if isinstance(data, list) else [data]
    if not items:
        raise SheetFormatError(f"文件「{file}」", "", "没有绩效自评表（空列表）")
    return [read_selfeval(item, source=f"{file}#{i}") for i, item in enumerate(items)]


def load_selfevals(path: str | PathLike[str]) -> list[SelfEvaluation]:
    """The self-evaluations of a JSON file; ``SheetFormatError`` naming the file when unreadable."""
    return read_selfevals(read_json_file(path), file=str(path))
