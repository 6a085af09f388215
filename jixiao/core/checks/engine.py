"""Run the registered rules over a sheet, or over the sheets of several units together."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

# The family modules register their rules on import.
from jixiao.core.checks import (  # noqa: F401
    clarity,
    completeness,
    consistency,
    measurability,
    reasonableness,
    relevance,
)
from jixiao.core.checks.catalogue import OFF, Finding
from jixiao.core.checks.context import Context, fold
from jixiao.core.checks.registry import AFTER, RULES
from jixiao.core.checks.view import SheetView
from jixiao.core.sheet import GoalSheet

_DEFAULT_CONTEXT = Context()
_ORDER = {late: [code for code in RULES if (code in AFTER) == late] for late in (False, True)}


def review(sheet: GoalSheet, context: Context | None = None) -> list[Finding]:
    """Every finding on ``sheet``: sheet-level first, then by indicator and severity."""
    context = context or _DEFAULT_CONTEXT
    view = SheetView(sheet, context)
    severities = context.rules.severities
    findings = view.found
    for late in (False, True):
        for code in _ORDER[late]:
            severity = severities.get(code, OFF)
            if severity == OFF:
                continue
            for hit in RULES[code](view):
                findings.append(Finding(code, severity, hit.indicator, hit.field, hit.params))
    findings.sort(key=Finding.sort_key)
    return findings


def _unit_key(sheet: GoalSheet) -> tuple[int, str]:
    return (sheet.year, f"code:{sheet.unit_code}" if sheet.unit_code else f"name:{fold(sheet.unit_name)}")


def review_together(sheets: Sequence[GoalSheet], context: Context | None = None) -> dict[str, list[Finding]]:
    """Findings by ``sheet.source``. Sheets of the same unit and year are each other's siblings:
    a department sheet's project lines are checked against the project sheets, and indicators
    copied between unrelated projects show."""
    context = context or _DEFAULT_CONTEXT
    groups: defaultdict[tuple[int, str], list[GoalSheet]] = defaultdict(list)
    for sheet in sheets:
        groups[_unit_key(sheet)].append(sheet)
    out: dict[str, list[Finding]] = {}
    for sheet in sheets:
        group = groups[_unit_key(sheet)]
        siblings = [*context.siblings, *(s for s in group if s is not sheet)]
        own = replace(context, siblings=siblings) if len(siblings) != len(context.siblings) else context
        out[sheet.source] = review(sheet, own)
    return out
