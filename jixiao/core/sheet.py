"""The goal sheet (绩效目标表) as plain data, and its interchange JSON (formats/README.md §1).

The reader is strict about the shape of the file (schema, kind, year, required fields, amounts)
and lenient about target cells: a cell that cannot be read keeps its text, and its ``Target``
carries the problem for the review to report.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from jixiao.core.numbers import AmountError, parse_amount
from jixiao.core.values import Target, parse_target

SCHEMAS = ("jixiao.goal-sheet/1", "jixiao.self-evaluation/1")
KINDS = ("project", "department")
FUND_SOURCES = ("general_public", "government_fund", "state_capital", "special_bond", "transfer", "other")
_YEARS = range(1990, 2101)


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    symbol: str = ""  # as given
    value: str = ""  # as given
    unit: str = ""
    weight: Decimal | None = None
    basis: str = ""
    source: str = ""
    actual: str = ""  # self-evaluation and history only
    score: Decimal | None = None  # self-evaluation: a hand score, for 定性 only
    deviation_reason: str = ""  # self-evaluation: 偏差原因分析及改进措施
    # The sheet's fiscal year dates deadlines written without one (6月30日前); not written out.
    year: int | None = field(default=None, kw_only=True, repr=False)
    target: Target = field(init=False)

    def __post_init__(self) -> None:
        self.target = parse_target(
            self.value,
            symbol=self.symbol,
            unit=self.unit,
            date_context="时效" in self.level2,
            year=self.year,
        )

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"level1": self.level1, "level2": self.level2, "name": self.name}
        for key in ("symbol", "value", "unit"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.weight is not None:
            data["weight"] = str(self.weight)
        for key in ("basis", "source", "actual"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.score is not None:
            data["score"] = str(self.score)
        if self.deviation_reason:
            data["deviation_reason"] = self.deviation_reason
        return data


@dataclass
class ProjectInfo:
    name: str
    code: str = ""
    category: str = ""
    description: str = ""
    is_new: bool | None = None
    start_year: int | None = None
    end_year: int | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        for key in ("code", "category", "description"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        for key in ("is_new", "start_year", "end_year"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class ProjectLine:
    name: str
    amount: Decimal | None


@dataclass
class PastYear:
    year: int
    indicators: list[Indicator]  # with actual
    total: Decimal | None = None  # that year's funds total when known


@dataclass
class GoalSheet:
    kind: str  # "project" | "department"
    year: int
    unit_code: str = ""
    unit_name: str = ""
    region_code: str = ""
    region_name: str = ""
    project: ProjectInfo | None = None
    total: Decimal | None = None
    by_source: dict[str, Decimal] = field(default_factory=dict)
    goal: str = ""
    long_term_goal: str = ""  # 实施期目标
    indicators: list[Indicator] = field(default_factory=list)
    projects: list[ProjectLine] = field(default_factory=list)
    history: list[PastYear] = field(default_factory=list)
    special_bond: bool = False  # derived from by_source unless the caller sets it
    source: str = ""  # "file.json#0", or a database id; names the sheet in findings

    def __post_init__(self) -> None:
        if self.by_source.get("special_bond", Decimal(0)) > 0:
            self.special_bond = True

    def to_data(self) -> dict[str, Any]:
        """Back to the interchange dict (amounts as strings); ``read_sheet`` reads it back equal."""
        data: dict[str, Any] = {"schema": SCHEMAS[0], "kind": self.kind, "year": self.year}
        if self.region_code or self.region_name:
            data["region"] = {"code": self.region_code, "name": self.region_name}
        data["unit"] = {"code": self.unit_code, "name": self.unit_name}
        if self.project is not None:
            data["project"] = self.project.to_data()
        funds: dict[str, Any] = {"total": _amount_text(self.total)}
        if self.by_source:
            funds["by_source"] = {key: str(value) for key, value in self.by_source.items()}
        data["funds"] = funds
        data["goal"] = self.goal
        if self.long_term_goal:
            data["long_term_goal"] = self.long_term_goal
        data["indicators"] = [i.to_data() for i in self.indicators]
        if self.projects or self.kind == "department":
            data["projects"] = [{"name": p.name, "amount": _amount_text(p.amount)} for p in self.projects]
        if self.special_bond and not self.by_source.get("special_bond"):
            data["special_bond"] = True
        if self.history:
            data["history"] = [
                {
                    "year": past.year,
                    **({"total": str(past.total)} if past.total is not None else {}),
                    "indicators": [i.to_data() for i in past.indicators],
                }
                for past in self.history
            ]
        return data


def _amount_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class SheetFormatError(ValueError):
    """The file is not a goal sheet; the message names the file, the sheet and the place."""

    def __init__(self, where: str, place: str, reason: str) -> None:
        self.where = where
        self.place = place
        self.reason = reason
        super().__init__(f"{where}{' ' + place if place else ''}：{reason}")


class _Reader:
    """Walks one sheet's dict; every error names where it is, the way a person finds it."""

    def __init__(self, source: str) -> None:
        file, sep, index = source.rpartition("#")
        if sep and index.isdigit():
            self.where = f"文件「{file}」第 {int(index) + 1} 张表"
        else:
            self.where = f"「{source}」"

    def fail(self, place: str, reason: str) -> SheetFormatError:
        return SheetFormatError(self.where, place, reason)

    def obj(self, data: object, place: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise self.fail(place, "应为 JSON 对象（{…}）")
        return data

    def required(self, data: Mapping[str, Any], key: str, place: str) -> Any:
        if key not in data:
            raise self.fail(place, f"缺少「{key}」")
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, place: str, *, required: bool = False) -> str:
        value = self.required(data, key, place) if required else data.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return _number_text(value)
        raise self.fail(_join(place, key), "应为文字")

    def year(self, value: object, place: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(place, "年度应为四位整数，如 2024")
        text = str(value).strip()
        if not text.isdigit() or int(text) not in _YEARS:
            raise self.fail(place, f"年度「{value}」无效，应为四位整数，如 2024")
        return int(text)

    def optional_year(self, data: Mapping[str, Any], key: str, place: str) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        return self.year(value, _join(place, key))

    def amount(self, value: object, place: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise self.fail(place, '金额应为数字（元），如 "1234.50"')
        try:
            return parse_amount(_number_text(value) if not isinstance(value, str) else value)
        except AmountError as exc:
            raise self.fail(place, f"金额「{value}」无效，应为{exc.expected}") from None

    def number(self, value: object, place: str) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise self.fail(place, "应为数字")
        try:
            number = Decimal(_number_text(value) if not isinstance(value, str) else value.strip())
        except ArithmeticError:
            raise self.fail(place, f"「{value}」不是数字") from None
        if not number.is_finite() or abs(number) >= 10**12:
            raise self.fail(place, f"「{value}」不是有限的数字")
        return number

    def indicator(self, data: object, place: str, year: int | None, *, history: bool = False) -> Indicator:
        item = self.obj(data, place)
        strict = not history
        return Indicator(
            level1=self.text(item, "level1", place, required=strict),
            level2=self.text(item, "level2", place, required=strict),
            name=self.text(item, "name", place, required=history),
            symbol=self.text(item, "symbol", place),
            value=self.text(item, "value", place),
            unit=self.text(item, "unit", place),
            weight=self.number(item.get("weight"), _join(place, "weight")),
            basis=self.text(item, "basis", place),
            source=self.text(item, "source", place),
            actual=self.text(item, "actual", place),
            score=self.number(item.get("score"), _join(place, "score")),
            deviation_reason=self.text(item, "deviation_reason", place),
            year=year,
        )

    def items(self, data: Mapping[str, Any], key: str, place: str, *, required: bool) -> list[Any]:
        value = self.required(data, key, place) if required else data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(_join(place, key), "应为列表（[…]）")
        return value


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def read_sheet(data: object, *, source: str) -> GoalSheet:
    """One sheet from its interchange dict, or ``SheetFormatError`` naming what is wrong and where."""
    r = _Reader(source)
    top = r.obj(data, "")
    schema = r.required(top, "schema", "")
    if schema not in SCHEMAS:
        raise r.fail("schema", f"「{schema}」不是绩效目标表格式，应为「{SCHEMAS[0]}」")
    kind = r.required(top, "kind", "")
    if kind not in KINDS:
        raise r.fail("kind", f"「{kind}」无效，应为 project（项目支出）或 department（部门整体支出）")
    year = r.year(r.required(top, "year", ""), "year")

    region = r.obj(top.get("region") or {}, "region")
    unit = r.obj(r.required(top, "unit", ""), "unit")
    project = None
    if kind == "project" or top.get("project") is not None:
        raw_project = r.obj(r.required(top, "project", ""), "project")
        name = r.text(raw_project, "name", "project", required=True)
        if not name:
            raise r.fail("project.name", "项目名称不能为空")
        is_new = raw_project.get("is_new")
        if is_new is not None and not isinstance(is_new, bool):
            raise r.fail("project.is_new", "应为 true 或 false")
        project = ProjectInfo(
            name=name,
            code=r.text(raw_project, "code", "project"),
            category=r.text(raw_project, "category", "project"),
            description=r.text(raw_project, "description", "project"),
            is_new=is_new,
            start_year=r.optional_year(raw_project, "start_year", "project"),
            end_year=r.optional_year(raw_project, "end_year", "project"),
        )

    funds = r.obj(r.required(top, "funds", ""), "funds")
    total = r.amount(r.required(funds, "total", "funds"), "funds.total")
    by_source: dict[str, Decimal] = {}
    for key, value in r.obj(funds.get("by_source") or {}, "funds.by_source").items():
        if key not in FUND_SOURCES:
            raise r.fail(f"funds.by_source.{key}", f"资金来源「{key}」无效，应为 {'、'.join(FUND_SOURCES)} 之一")
        amount = r.amount(value, f"funds.by_source.{key}")
        if amount is not None:
            by_source[key] = amount

    goal = r.text(top, "goal", "", required=True)
    indicators = [
        r.indicator(item, f"indicators[{i}]", year)
        for i, item in enumerate(r.items(top, "indicators", "", required=True))
    ]
    lines = []
    for i, item in enumerate(r.items(top, "projects", "", required=False)):
        place = f"projects[{i}]"
        line = r.obj(item, place)
        lines.append(
            ProjectLine(
                name=r.text(line, "name", place, required=True),
                amount=r.amount(line.get("amount"), _join(place, "amount")),
            )
        )
    history = []
    for i, item in enumerate(r.items(top, "history", "", required=False)):
        place = f"history[{i}]"
        past = r.obj(item, place)
        past_year = r.year(r.required(past, "year", place), _join(place, "year"))
        past_total = past.get("total")
        if past_total is None and isinstance(past.get("funds"), Mapping):
            past_total = past["funds"].get("total")
        history.append(
            PastYear(
                year=past_year,
                indicators=[
                    r.indicator(ind, f"{place}.indicators[{j}]", past_year, history=True)
                    for j, ind in enumerate(r.items(past, "indicators", place, required=True))
                ],
                total=r.amount(past_total, _join(place, "total")),
            )
        )
    return GoalSheet(
        kind=kind,
        year=year,
        unit_code=r.text(unit, "code", "unit"),
        unit_name=r.text(unit, "name", "unit"),
        region_code=r.text(region, "code", "region"),
        region_name=r.text(region, "name", "region"),
        project=project,
        total=total,
        by_source=by_source,
        goal=goal,
        long_term_goal=r.text(top, "long_term_goal", ""),
        indicators=indicators,
        projects=lines,
        history=history,
        special_bond=bool(top.get("special_bond") is True),
        source=source,
    )


def read_sheets(data: object, *, file: str) -> list[GoalSheet]:
    """One object or a list of them; each sheet's source is ``file#index``."""
    items = data if isinstance(data, list) else [data]
    if not items:
        raise SheetFormatError(f"文件「{file}」", "", "没有绩效目标表（空列表）")
    return [read_sheet(item, source=f"{file}#{i}") for i, item in enumerate(items)]


def read_json_file(path: str | PathLike[str]) -> object:
    """The parsed JSON of a file (decimals kept exact), or ``SheetFormatError`` naming the file."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SheetFormatError(f"文件「{file}」", "", "不存在") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SheetFormatError(f"文件「{file}」", "", f"无法读取（{exc}）") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise SheetFormatError(
            f"文件「{file}」", f"第 {exc.lineno} 行第 {exc.colno} 列", f"不是有效的 JSON（{exc.msg}）"
        ) from None


def load_json(path: str | PathLike[str]) -> list[GoalSheet]:
    """The sheets of a JSON file; ``SheetFormatError`` (naming the file) when it cannot be read."""
    return read_sheets(read_json_file(path), file=str(path))
