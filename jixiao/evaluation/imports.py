"""Import of filled self-evaluation templates (``excel.template_workbook``): validate, preview,
commit.

Step one reads every worksheet that carries the template's marker, matches it to a form by the
hidden id, and checks everything the commit would refuse: a form the actor may not edit (told
apart from one that does not exist only by nothing: neither leaks), a round that has ended, a
form already sent up, a line id that does not belong to the form, an indicator renamed, added
or deleted, a 定性 score that is not a number in 0–100, texts too long, amounts that are not
amounts; then ``services.write_form`` itself, the same validation as the web form. Every
problem is an ``Issue`` naming the file, worksheet, row, column, the value seen and what is
expected. With any issue nothing is written. The plan carries each form's score before and
after, computed with the round's rules, for the preview.

Step two validates the file again against the database as it is then and writes every form in
one transaction (``services.write_form`` + ``services.save_written``, the same write as the
web form), rescoring each, with one audit entry for the file.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import transaction

from jixiao.accounts.permissions import ensure_perm, has_perm, region_ids_for, unit_ids_for
from jixiao.audit.services import log_action
from jixiao.core.errors import DomainError
from jixiao.core.money import TEN_THOUSAND, yuan_to_wan
from jixiao.core.numbers import AmountError, parse_amount
from jixiao.core.tabular import Issue
from jixiao.core.template_sheets import REDOWNLOAD, TemplateSheet, read_template_sheets
from jixiao.evaluation import compute, excel, services
from jixiao.evaluation.models import Line, SelfEval, Status

NOT_TEMPLATE = "不是系统的绩效自评表填报模板：请在「绩效自评」中下载本单位的填报模板，填写后上传"
FORM_ID = "自评表编号（隐藏的 J 列）"
LINE_ID = "指标编号（隐藏的 J 列）"
SCORE_EXPECTED = "0 到 100 之间、最多两位小数的数字（如 85 或 85.5）"
_ID = re.compile(r"^[0-9]{1,18}$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_HEADERS = {name: header for name, header, _ in excel.LINE_COLUMNS if name}
_TEXT_COLUMN = {tag: excel.TEXT_COLUMN for tag in excel.FORM_TEXT_LIMITS} | {
    excel.TAG_GOAL_RESULT: excel.GOAL_RESULT_COLUMN
}


@dataclass
class PlannedForm:
    worksheet: str
    form: SelfEval
    data: services.FormIn
    changed: int = 0
    before_total: Decimal | None = None
    before_grade: str = ""
    # The scores the filled values give under the round's rules (the commit computes them again).
    after_total: Decimal | None = None
    after_grade: str = ""
    after_errors: int = 0

    @property
    def label(self) -> str:
        code = self.form.project.code if self.form.project else self.form.unit.code
        return f"{code} {self.form.title}"

    @property
    def delta(self) -> Decimal | None:
        if self.before_total is None or self.after_total is None:
            return None
        return self.after_total - self.before_total


@dataclass
class FormImportPlan:
    file: str
    issues: list[Issue] = field(default_factory=list)
    forms: list[PlannedForm] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(1 for f in self.forms if f.changed)


def _read_sheets(file: str, data: bytes, issues: list[Issue]) -> list[TemplateSheet]:
    return read_template_sheets(
        file, data, issues, schema=excel.SCHEMA, marker_column=excel.MARKER_COLUMN, tag_line=excel.TAG_LINE
    )


class _Checker:
    """Checks one worksheet against its form, collecting issues and the values to write."""

    def __init__(self, plan: FormImportPlan, sheet: TemplateSheet, form: SelfEval) -> None:
        self.plan, self.sheet, self.form = plan, sheet, form
        self.failed = False

    def issue(self, row: int | None, column: str, value: str, expected: str) -> None:
        self.failed = True
        self.plan.issues.append(Issue(self.plan.file, self.sheet.name, row, column, value, expected))

    def text(self, row: int, column: int, header: str, limit: int) -> str:
        value = self.sheet.text(row, column)
        if len(value) > limit:
            self.issue(row, header, value[:20] + "……", f"不超过 {limit} 字的内容（现为 {len(value)} 字）")
        return value

    def form_text(self, tag: str) -> str:
        header = excel.FORM_TEXT_LABELS[tag]
        row = self.sheet.tags.get(tag)
        if row is None:
            self.issue(None, header, "", f"模板中的「{header}」一栏：{REDOWNLOAD}")
            return ""
        return self.text(row, _TEXT_COLUMN[tag], header, excel.FORM_TEXT_LIMITS[tag])

    def amount(self, row: int, column: int, header: str, stored: Decimal | None) -> Decimal | None:
        text = self.sheet.text(row, column)
        if not text:
            return None
        try:
            value = parse_amount(text, scale=TEN_THOUSAND)
        except AmountError as exc:
            self.issue(row, header, text, f"以万元为单位的{exc.expected}")
            return None
        # The template shows 万元 to two decimals: an amount left as shown keeps its exact yuan.
        if stored is not None and value == yuan_to_wan(stored) * TEN_THOUSAND:
            return stored
        return value

    def funding(self) -> tuple[Decimal | None, Decimal | None]:
        if self.form.execution_from_data:
            # A project's execution comes from the imported payments, never from the sheet.
            return self.form.adjusted_budget, self.form.spent
        row = self.sheet.tags.get(excel.TAG_FUNDING)
        if row is None:
            self.issue(None, "全年预算数", "", f"模板中的「年度资金总额」一行：{REDOWNLOAD}")
            return None, None
        return (
            self.amount(row, excel.BUDGET_COLUMN, "全年预算数（万元）", self.form.adjusted_budget),
            self.amount(row, excel.SPENT_COLUMN, "全年执行数（万元）", self.form.spent),
        )

    def lines(self) -> list[services.LineIn]:
        stored = {line.pk: line for line in self.form.lines.all()}
        given: dict[int, services.LineIn] = {}
        found: set[int] = set()
        for row, tag in self.sheet.line_rows:
            line = stored.get(int(tag)) if _ID.match(tag) else None
            if line is None:
                self.issue(row, LINE_ID, tag, f"本自评表的指标编号（该编号不属于这张自评表）：{REDOWNLOAD}")
                continue
            if line.pk in found:
                self.issue(row, "三级指标", line.name, "每个指标只出现一次：请勿复制指标行")
                continue
            found.add(line.pk)
            name = self.sheet.text(row, excel.NAME_COLUMN)
            if name != line.name.strip():
                self.issue(row, "三级指标", name, f"「{line.name}」：请勿改动指标名称或调整行的顺序")
                continue
            given[line.position] = self._line(row, line)
        for pk, line in sorted(stored.items(), key=lambda item: item[1].position):
            if pk not in found:
                self.issue(None, "三级指标", "", f"指标「{line.name}」所在的行：请勿删除指标行，{REDOWNLOAD}")
        self._added_rows()
        return [given[p] for p in sorted(given)]

    def _added_rows(self) -> None:
        """Anything written on a row the template did not tag, inside the indicator block."""
        tagged = {row for row, _ in self.sheet.line_rows} | set(self.sheet.tags.values())
        end = self.sheet.tags.get(excel.TAG_TOTAL, len(self.sheet.rows) + 1)
        for row in range(excel.HEADER_ROW + 1, end):
            if row in tagged:
                continue
            written = next(
                (
                    (column, self.sheet.text(row, column))
                    for column in range(1, excel.LAST_COLUMN + 1)
                    if self.sheet.text(row, column)
                ),
                None,
            )
            if written is not None:
                self.issue(
                    row,
                    excel.LINE_COLUMNS[written[0] - 1][1],
                    written[1][:50],
                    "模板中的指标行：自评的指标来自已批复的绩效目标表，不能增加；请删除该行，把内容填到对应指标的行",
                )

    def _line(self, row: int, line: Line) -> services.LineIn:
        column = excel.LINE_FIELD_COLUMN
        texts = {name: self.text(row, column[name], _HEADERS[name], limit) for name, limit in excel.TEXT_LIMITS.items()}
        score = self._score(row, line) if excel.is_qualitative(line) else None
        return services.LineIn(position=line.position, score=score, **texts)

    def _score(self, row: int, line: Line) -> Decimal | None:
        raw = self.sheet.text(row, excel.LINE_FIELD_COLUMN["score"])
        text = unicodedata.normalize("NFKC", raw).strip().removesuffix("分").strip()
        if not text:
            return None
        if not _NUMBER.match(text):
            self.issue(row, "得分", raw, f"{SCORE_EXPECTED}；定性指标「{line.name}」的得分只填数字")
            return None
        value = Decimal(text)
        if value > 100 or value != value.quantize(Decimal("0.01")):
            self.issue(row, "得分", raw, SCORE_EXPECTED)
            return None
        return value


def _forms_in_reach(actor: Any, ids: set[int]) -> dict[int, SelfEval]:
    """The listed forms the actor may edit; any other id is as good as unknown (no leak)."""
    regions = region_ids_for(actor)
    found = (
        SelfEval.objects.with_scope(region=regions, unit=unit_ids_for(actor, regions))
        .filter(pk__in=ids)
        .select_related("region", "unit", "round__fiscal_year", "sheet", "project")
        .prefetch_related("lines", "evidence")
    )
    return {f.pk: f for f in found if has_perm(actor, "evaluation.edit", f)}


def _changed(form: SelfEval, data: services.FormIn) -> int:
    """How many of the unit's cells differ from what is stored."""
    stored = {line.position: line for line in form.lines.all()}
    count = sum(
        1
        for given in data.lines
        for old, new in (
            (stored[given.position].actual, given.actual.strip()),
            (stored[given.position].score_given, given.score),
            (stored[given.position].deviation_reason, given.deviation_reason.strip()),
            (stored[given.position].source, given.source.strip()),
        )
        if old != new
    )
    count += sum(
        1
        for old, new in (
            (form.goal_result, data.goal_result.strip()),
            (form.execution_reason, data.execution_reason.strip()),
            (form.conclusion, data.conclusion.strip()),
            (form.problems, data.problems.strip()),
            (form.measures, data.measures.strip()),
            (form.adjusted_budget, data.adjusted_budget),
            (form.spent, data.spent),
        )
        if old != new
    )
    return count


def form_import_validate(*, actor: Any, filename: str, data: bytes) -> FormImportPlan:
    """Read a filled template and check it; the plan holds the issues, or what would be written
    with the scores it would give."""
    plan = FormImportPlan(file=filename)
    if PurePath(filename).suffix.lower() not in {".xlsx", ".xlsm"}:
        plan.issues.append(Issue(filename, None, None, None, "", "应为本系统下载的绩效自评表填报模板（.xlsx）"))
        return plan
    sheets = _read_sheets(filename, data, plan.issues)
    if not sheets:
        if not plan.issues:
            plan.issues.append(Issue(filename, None, None, None, "", NOT_TEMPLATE))
        return plan
    ids = {int(s.text(2, excel.MARKER_COLUMN)) for s in sheets if _ID.match(s.text(2, excel.MARKER_COLUMN))}
    forms = _forms_in_reach(actor, ids)
    seen: dict[int, str] = {}
    for sheet in sheets:
        raw = sheet.text(2, excel.MARKER_COLUMN)

        def issue(row: int | None, column: str, value: str, expected: str, sheet: TemplateSheet = sheet) -> None:
            plan.issues.append(Issue(filename, sheet.name, row, column, value, expected))

        if not _ID.match(raw):
            issue(2, FORM_ID, raw, f"系统生成的自评表编号：隐藏的 J 列被改动，{REDOWNLOAD}")
            continue
        form = forms.get(int(raw))
        if form is None:
            issue(
                2,
                FORM_ID,
                raw,
                f"您可填报的自评表的编号：编号 {raw} 的自评表不存在或不属于您可填报的单位，{REDOWNLOAD}",
            )
            continue
        if form.pk in seen:
            issue(2, FORM_ID, raw, f"每张自评表在一个文件中只出现一次（已见于工作表「{seen[form.pk]}」）")
            continue
        seen[form.pk] = sheet.name
        if form.round.closed:
            issue(2, "自评任务", form.round.title, "进行中的自评任务：该任务已结束，不能再导入")
            continue
        if not form.editable:
            issue(
                2,
                "填报状态",
                form.get_status_display(),
                f"{Status.DRAFT.label}或{Status.RETURNED.label}的自评表：已报送的自评表不能通过导入修改",
            )
            continue
        checker = _Checker(plan, sheet, form)
        adjusted_budget, spent = checker.funding()
        texts = {tag: checker.form_text(tag) for tag in excel.FORM_TEXT_LIMITS}
        lines = checker.lines()
        if checker.failed:
            continue
        written = services.FormIn(
            lines=lines,
            goal_result=texts[excel.TAG_GOAL_RESULT],
            execution_reason=texts[excel.TAG_EXECUTION_REASON],
            conclusion=texts[excel.TAG_CONCLUSION],
            problems=texts[excel.TAG_PROBLEMS],
            measures=texts[excel.TAG_MEASURES],
            adjusted_budget=adjusted_budget,
            spent=spent,
        )
        planned = PlannedForm(
            sheet.name,
            form,
            written,
            changed=_changed(form, written),
            before_total=form.total,
            before_grade=form.grade,
        )
        try:
            # The web form's own validation: whatever it refuses, the import refuses too.
            scored = services.write_form(form, written)
        except DomainError as exc:
            issue(None, "填报内容", "", f"可保存的自评表：{exc.message}")
            continue
        result = compute.score_of(form, scored)
        planned.after_total, planned.after_grade, planned.after_errors = result.total, result.grade or "", result.errors
        plan.forms.append(planned)
    return plan


def form_import_commit(*, actor: Any, filename: str, data: bytes) -> FormImportPlan:
    """Validate again against the database as it is now, then write and rescore every form in
    one transaction, or none, with one audit entry for the file."""
    plan = form_import_validate(actor=actor, filename=filename, data=data)
    if plan.issues:
        raise DomainError(f"文件「{filename}」有 {len(plan.issues)} 处错误，未导入任何自评表")
    if not plan.forms:
        raise DomainError(f"文件「{filename}」中没有可导入的自评表")
    try:
        with transaction.atomic():
            for planned in plan.forms:
                form = services._locked(planned.form)
                ensure_perm(actor, "evaluation.edit", form)
                services._ensure_editable(form)
                services.save_written(form, services.write_form(form, planned.data))
                planned.form = form
                planned.after_total, planned.after_grade = form.total, form.grade
            units = {p.form.unit_id for p in plan.forms}
            first = plan.forms[0].form
            log_action(
                actor=actor,
                action="evaluation.forms.imported",
                target=None,
                region=first.region,
                unit=first.unit if len(units) == 1 else None,
                data={
                    "file": filename,
                    "forms": [
                        {
                            "id": p.form.pk,
                            "title": p.form.title,
                            "before": None if p.before_total is None else str(p.before_total),
                            "total": None if p.form.total is None else str(p.form.total),
                            "grade": p.form.grade,
                        }
                        for p in plan.forms
                    ][:200],
                    "changed": plan.changed,
                },
            )
    except DomainError as exc:
        raise DomainError(f"{exc.message}，未导入任何自评表") from None
    return plan
