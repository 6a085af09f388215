"""``jixiao score-selfeval [--json] FILE...``: score self-evaluations without a database.

Reads interchange JSON files (formats §2; one form or a list), scores each by the shipped rules
(DOMAIN.md §7: budget execution, each indicator by its symbol, rounded half up to two decimals
before the total, grade), runs the self-evaluation checks and compares the figures the unit
wrote (``claimed``) with the computed ones. Prints a readable Chinese summary, or with
``--json`` the ``jixiao.score/1`` document (formats §4).

Exit status: 0 when every form scores without an error-level finding or a claimed figure that
differs; 1 when any form has one; 2 when an input cannot be read.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from jixiao.core.cli_checks import write_findings
from jixiao.core.scoring import ScoreResult, score, scores_document
from jixiao.core.selfeval import SelfEvaluation, load_selfevals
from jixiao.core.sheet import SheetFormatError

FIELD_NAMES = {"execution_rate": "预算执行率", "execution_score": "预算执行得分", "total": "总分", "grade": "等级"}


def read_inputs(paths: Sequence[str]) -> tuple[list[SelfEvaluation], list[str]]:
    forms: list[SelfEvaluation] = []
    errors: list[str] = []
    for path in paths:
        try:
            forms.extend(load_selfevals(path))
        except SheetFormatError as exc:
            errors.append(str(exc))
    return forms, errors


def _field_name(field: str, form: SelfEvaluation) -> str:
    if field.startswith("indicator_scores["):
        index = int(field[len("indicator_scores[") : -1])
        indicators = form.sheet.indicators
        name = indicators[index].name if index < len(indicators) else ""
        return f"第 {index + 1} 个指标{f'「{name}」' if name else ''}得分"
    return FIELD_NAMES.get(field, field)


def write_text(out: TextIO, forms: Sequence[SelfEvaluation], results: Sequence[ScoreResult]) -> None:
    for number, (form, result) in enumerate(zip(forms, results, strict=True)):
        sheet = form.sheet
        if number:
            out.write("\n")
        what = f"「{sheet.project.name}」" if sheet.project else "部门整体"
        out.write(f"{result.source}  {sheet.unit_name or sheet.unit_code}{what} {sheet.year} 年度绩效自评\n")
        rate = f"{result.execution_rate}%" if result.execution_rate is not None else "无法计算"
        exec_score = result.execution_score if result.execution_score is not None else "—"
        out.write(f"  预算执行率 {rate}，得分 {exec_score} / {result.execution_weight:.2f}\n")
        for item, indicator in zip(result.indicators, sheet.indicators, strict=True):
            target = indicator.target.raw or "（空）"
            actual = indicator.actual or "（空）"
            points = item.score if item.score is not None else "无法计分"
            weight = f"{item.weight:.2f}" if item.weight is not None else "—"
            out.write(
                f"  {item.index + 1}. {indicator.name}：指标值 {target}，实际 {actual}，得分 {points} / {weight}\n"
            )
        if result.total is not None:
            out.write(f"  总分 {result.total}，等级「{result.grade}」（规则 {result.rules_version}）\n")
        else:
            out.write(f"  总分无法计算（规则 {result.rules_version}）\n")
        for note in result.notes:
            out.write(f"  说明：{note}\n")
        for d in result.discrepancies:
            computed = d.computed if d.computed is not None else "无法计算"
            out.write(f"  [与表上不符] {_field_name(d.field, form)}：表上为 {d.claimed}，计算为 {computed}\n")
        write_findings(out, sheet, result.findings)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = argparse.ArgumentParser(
        prog="jixiao score-selfeval",
        description="按财预〔2020〕10号的评分规则计算绩效自评表的得分和等级，核对表上填写的得分，列出自评中的问题。",
    )
    parser.add_argument("--json", action="store_true", help="以 jixiao.score/1 JSON 格式输出")
    parser.add_argument("files", nargs="+", metavar="FILE", help="绩效自评表文件（jixiao.self-evaluation/1 JSON）")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    forms, errors = read_inputs(args.files)
    if errors:
        err.write("\n".join(errors) + "\n")
        return 2
    results = [score(form) for form in forms]
    if args.json:
        out.write(json.dumps(scores_document(results), ensure_ascii=False, indent=2) + "\n")
    else:
        write_text(out, forms, results)
    return 1 if any(r.errors or r.discrepancies for r in results) else 0
