"""``jixiao check-goals [--json] FILE...``: review goal sheets without a database.

Reads interchange JSON files (formats §1; one sheet or a list) and Excel templates (through
``jixiao.core.goal_excel``), reviews the files together (so a department sheet is checked
against the project sheets of the same unit) with the shipped rule set and starter indicator
library, and prints the findings as text or as ``jixiao.findings/1`` JSON (formats §3).

Exit status: 0 without error-level findings, 1 with any, 2 when an input cannot be read.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from jixiao.core.checks import SEVERITY_LABELS, Context, Finding, library_entries, review_together
from jixiao.core.data import read_data
from jixiao.core.sheet import GoalSheet, SheetFormatError, load_json, read_sheet

FINDINGS_SCHEMA = "jixiao.findings/1"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


class InputError(Exception):
    """An input file that cannot be reviewed; the message names the file and the place."""


@cache
def starter_context() -> Context:
    """The shipped rule set with the starter indicator library (data/library/)."""
    return Context(library=library_entries(json.loads(read_data("library/indicators.json"))))


def read_inputs(paths: Sequence[str]) -> list[GoalSheet]:
    """The sheets of every file, in order; ``InputError`` listing every file that cannot be read."""
    sheets: list[GoalSheet] = []
    errors: list[str] = []
    for path in paths:
        try:
            sheets.extend(_read_file(path))
        except InputError as exc:
            errors.append(str(exc))
        except SheetFormatError as exc:
            errors.append(str(exc))
    if errors:
        raise InputError("\n".join(errors))
    return sheets


def _read_file(path: str) -> list[GoalSheet]:
    if Path(path).suffix.lower() in EXCEL_SUFFIXES:
        return _read_workbook(path)
    return load_json(path)


def _read_workbook(path: str) -> list[GoalSheet]:
    # openpyxl and calamine load only when a workbook is given.
    from jixiao.core import goal_excel

    if not Path(path).is_file():
        raise InputError(f"文件「{path}」不存在")
    items, issues = goal_excel.read_workbook(path, file=path)
    if issues:
        raise InputError("\n".join(issue.message() for issue in issues))
    return [read_sheet(item, source=f"{path}#{i}") for i, item in enumerate(items)]


def findings_data(sheets: Sequence[GoalSheet], results: dict[str, list[Finding]]) -> dict[str, Any]:
    """The ``jixiao.findings/1`` document."""
    return {
        "schema": FINDINGS_SCHEMA,
        "sheets": [
            {
                "source": sheet.source,
                "unit": sheet.unit_name,
                "project": sheet.project.name if sheet.project else None,
                "findings": [f.to_data() for f in results[sheet.source]],
            }
            for sheet in sheets
        ],
    }


def _title(sheet: GoalSheet) -> str:
    kind = "项目支出绩效目标表" if sheet.kind == "project" else "部门整体支出绩效目标表"
    what = f"「{sheet.project.name}」" if sheet.project else ""
    unit = sheet.unit_name or sheet.unit_code or "（未填单位）"
    return f"{sheet.source}  {unit}{what} {sheet.year} 年度{kind}"


def write_text(out: TextIO, sheets: Sequence[GoalSheet], results: dict[str, list[Finding]]) -> None:
    """Findings for people: per sheet a header, then one line per finding with its hint."""
    for number, sheet in enumerate(sheets):
        findings = results[sheet.source]
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_LABELS}
        summary = "，".join(f"{SEVERITY_LABELS[s]} {n} 项" for s, n in counts.items() if n) or "未发现问题"
        if number:
            out.write("\n")
        out.write(f"{_title(sheet)}：{summary}\n")
        write_findings(out, sheet, findings)


def write_findings(out: TextIO, sheet: GoalSheet, findings: Sequence[Finding]) -> None:
    """One line per finding naming its place the way a person counts (第 1 个指标), then its hint."""
    for f in findings:
        if f.indicator is None:
            where = "整表"
        else:
            name = sheet.indicators[f.indicator].name if f.indicator < len(sheet.indicators) else ""
            where = f"第 {f.indicator + 1} 个指标「{name}」" if name else f"第 {f.indicator + 1} 个指标"
        out.write(f"  [{SEVERITY_LABELS.get(f.severity, f.severity)}] {where}：{f.message}\n")
        out.write(f"      建议：{f.hint}\n")


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = argparse.ArgumentParser(
        prog="jixiao check-goals",
        description="审核绩效目标表（JSON 或 Excel 模板），列出不完整、不明确、不可衡量、不合理、不相关和不一致之处。",
    )
    parser.add_argument("--json", action="store_true", help="以 jixiao.findings/1 JSON 格式输出")
    parser.add_argument("files", nargs="+", metavar="FILE", help="绩效目标表文件（.json、.xlsx、.xls）")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        sheets = read_inputs(args.files)
    except InputError as exc:
        err.write(f"{exc}\n")
        return 2
    sources = [s.source for s in sheets]
    if len(set(sources)) != len(sources):
        err.write("同一个文件不能重复给出\n")
        return 2
    results = review_together(sheets, starter_context())
    if args.json:
        out.write(json.dumps(findings_data(sheets, results), ensure_ascii=False, indent=2) + "\n")
    else:
        write_text(out, sheets, results)
    return 1 if any(f.severity == "error" for found in results.values() for f in found) else 0
