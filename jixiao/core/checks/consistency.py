"""一致性: the same facts agree within a sheet, with the budget, across the unit's sheets and
with last year (DOMAIN.md §16.1–16.4: D16, D24, D26)."""

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks.reasonableness import money_text
from jixiao.core.checks.registry import Hit, rule
from jixiao.core.checks.relevance import same_unit
from jixiao.core.checks.view import SheetView
from jixiao.core.sheet import GoalSheet, Indicator

_NOT_TEXT = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text).lower())


@rule("consistency.duplicate-indicator")
def duplicate_indicator(v: SheetView) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for r in v.rows:
        key = _key(r.indicator.name)
        if key in seen:
            yield Hit(r.index, "name", {"name": r.indicator.name, "first": str(seen[key] + 1)})
        else:
            seen[key] = r.index


@rule("consistency.funds-sum")
def funds_sum(v: SheetView) -> Iterator[Hit]:
    sheet = v.sheet
    if not sheet.by_source or sheet.total is None:
        return
    total = sum(sheet.by_source.values(), Decimal(0))
    if abs(total - sheet.total) > v.threshold("amount_tolerance"):
        yield Hit(None, "funds", {"sum": money_text(total), "total": money_text(sheet.total)})


@rule("consistency.funds-vs-budget")
def funds_vs_budget(v: SheetView) -> Iterator[Hit]:
    approved, total = v.context.approved_amount, v.sheet.total
    if approved is None or total is None:
        return
    if abs(approved - total) > v.threshold("amount_tolerance"):
        yield Hit(None, "funds", {"total": money_text(total), "approved": money_text(approved)})


def _project_sheets(v: SheetView) -> dict[str, GoalSheet]:
    return {
        _key(s.project.name): s
        for s in v.context.siblings
        if s is not v.sheet and s.kind == "project" and s.project is not None and same_unit(v.sheet, s)
    }


@rule("consistency.department-line-amount")
def department_line_amount(v: SheetView) -> Iterator[Hit]:
    if v.sheet.kind != "department" or not v.context.siblings:
        return
    sheets = _project_sheets(v)
    tolerance = v.threshold("amount_tolerance")
    for line in v.sheet.projects:
        other = sheets.get(_key(line.name))
        if other is None or other.total is None or line.amount is None:
            continue
        if abs(other.total - line.amount) > tolerance:
            yield Hit(
                None,
                "projects",
                {"project": line.name, "line": money_text(line.amount), "total": money_text(other.total)},
            )


@rule("consistency.department-line-missing")
def department_line_missing(v: SheetView) -> Iterator[Hit]:
    if v.sheet.kind != "department" or not v.context.siblings:
        return
    sheets = _project_sheets(v)
    if not sheets:
        return
    for line in v.sheet.projects:
        if _key(line.name) not in sheets:
            amount = money_text(line.amount) if line.amount is not None else "金额未填"
            yield Hit(None, "projects", {"project": line.name, "line": amount})


@rule("consistency.department-lines-total")
def department_lines_total(v: SheetView) -> Iterator[Hit]:
    sheet = v.sheet
    if sheet.kind != "department" or sheet.total is None or not sheet.projects:
        return
    total = sum((line.amount for line in sheet.projects if line.amount is not None), Decimal(0))
    if total - sheet.total > v.threshold("amount_tolerance"):
        yield Hit(None, "projects", {"sum": money_text(total), "total": money_text(sheet.total)})


def _signature(indicators: list[Indicator]) -> frozenset[tuple[str, str]]:
    out = set()
    for ind in indicators:
        if not ind.name.strip():
            continue
        t = ind.target
        value = f"{t.number.normalize():f}" if t.number is not None else _key(ind.value)
        out.add((_key(ind.name), value))
    return frozenset(out)


@rule("consistency.same-as-last-year")
def same_as_last_year(v: SheetView) -> Iterator[Hit]:
    sheet = v.sheet
    past = max((p for p in sheet.history if p.year < sheet.year), key=lambda p: p.year, default=None)
    if past is None or past.total is None or sheet.total is None or past.total == sheet.total:
        return
    if not any(i.value.strip() for i in past.indicators):
        return
    mine = _signature(sheet.indicators)
    if mine and mine == _signature(past.indicators):
        yield Hit(
            None,
            "indicators",
            {"year": str(past.year), "past_total": money_text(past.total), "total": money_text(sheet.total)},
        )
