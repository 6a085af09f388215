"""Import of filled monitoring templates (``excel.unit_template``): validate, preview, commit.

Step one reads every worksheet that carries the template's marker, matches it to a report by
the hidden id, and checks everything the commit would refuse: a report the actor may not
edit (told apart from one that does not exist only by nothing: neither leaks), a round that
has ended, a report already submitted, an id that does not match the project or indicators on
the sheet, values outside the 136号 lists, texts too long, amounts that are not amounts. Every
problem is an ``Issue`` naming the file, worksheet, row, column, the value seen and what is
expected. With any issue nothing is written.

Step two validates the file again against the database as it is then and writes every report
in one transaction (``services._report_write``, the same write as the form), recomputing the
lights, with one audit entry for the file.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import transaction

from jixiao.accounts.permissions import ensure_perm, has_perm, region_ids_for, unit_ids_for
from jixiao.audit.services import log_action
from jixiao.core.errors import DomainError
from jixiao.core.numbers import AmountError, parse_amount
from jixiao.core.tabular import Issue
from jixiao.core.template_sheets import REDOWNLOAD, TemplateSheet, read_template_sheets
from jixiao.monitoring import compute, excel, services
from jixiao.monitoring.models import Likelihood, Line, Reason, Report, ReportStatus

WAN = Decimal(10000)
NOT_TEMPLATE = "不是系统的监控表填报模板：请在「运行监控」中下载本单位的填报模板，填写后上传"
_ID = re.compile(r"^[0-9]{1,18}$")
_LINE_HEADERS = {name: header for name, header, _ in excel.LINE_COLUMNS if name}


@dataclass
class PlannedReport:
    worksheet: str
    report: Report
    lines: list[services.LineIn]
    summary: str
    estimate: Decimal | None
    field_notes: str
    changed: int = 0
    # Indicator lights as the filled values would give them (the commit computes them again).
    lights: Counter[str] = field(default_factory=Counter)

    @property
    def label(self) -> str:
        return f"{self.report.project.code} {self.report.project.name}"


@dataclass
class ReportImportPlan:
    file: str
    issues: list[Issue] = field(default_factory=list)
    reports: list[PlannedReport] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(1 for r in self.reports if r.changed)


def _read_sheets(file: str, data: bytes, issues: list[Issue]) -> list[TemplateSheet]:
    return read_template_sheets(
        file, data, issues, schema=excel.SCHEMA, marker_column=excel.MARKER_COLUMN, tag_line=excel.TAG_LINE
    )


def _choice(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _Checker:
    """Checks one worksheet against its report, collecting issues and the values to write."""

    def __init__(self, plan: ReportImportPlan, sheet: TemplateSheet, report: Report) -> None:
        self.plan, self.sheet, self.report = plan, sheet, report
        self.failed = False

    def issue(self, row: int | None, column: str, value: str, expected: str) -> None:
        self.failed = True
        self.plan.issues.append(Issue(self.plan.file, self.sheet.name, row, column, value, expected))

    def text(self, row: int, column: int, header: str, limit: int) -> str:
        value = self.sheet.text(row, column)
        if len(value) > limit:
            shown = value[:20] + "……"
            self.issue(row, header, shown, f"不超过 {limit} 字的内容（现为 {len(value)} 字）")
        return value

    def estimate(self) -> Decimal | None:
        row = self.sheet.tags.get(excel.TAG_ESTIMATE)
        if row is None:
            self.issue(None, "全年预计执行数（单位填报）", "", f"模板中的「全年预计执行数」一栏：{REDOWNLOAD}")
            return None
        text = self.sheet.text(row, excel.ESTIMATE_CELL[1])
        if not text:
            return None
        try:
            return parse_amount(text, scale=WAN)
        except AmountError as exc:
            self.issue(row, "全年预计执行数（单位填报）", text, f"以万元为单位的{exc.expected}")
            return None

    def long_text(self, tag: str, header: str) -> str:
        row = self.sheet.tags.get(tag)
        if row is None:
            self.issue(None, header, "", f"模板中的「{header}」一栏：{REDOWNLOAD}")
            return ""
        return self.text(row, 3, header, excel.REPORT_TEXT_LIMIT)

    def lines(self) -> list[services.LineIn]:
        stored = {line.position: line for line in self.report.lines.all()}
        given: dict[int, services.LineIn] = {}
        found: set[int] = set()
        for row, tag in self.sheet.line_rows:
            position = int(tag) if _ID.match(tag) else None
            line = stored.get(position) if position is not None else None
            if line is None or position is None:
                self.issue(row, "指标编号（隐藏的 L 列）", tag, f"模板中该监控表的指标编号：{REDOWNLOAD}")
                continue
            if position in found:
                self.issue(row, "三级指标", line.name, "每个指标只出现一次：请勿复制指标行")
                continue
            found.add(position)
            name = self.sheet.text(row, excel.NAME_COLUMN)
            if name != line.name.strip():
                self.issue(row, "三级指标", name, f"「{line.name}」：请勿改动指标名称或调整行的顺序")
                continue
            given[position] = self._line(row, position)
        for position, line in sorted(stored.items()):
            if position not in found:
                self.issue(None, "三级指标", "", f"指标「{line.name}」所在的行：请勿删除指标行，{REDOWNLOAD}")
        tagged = {row for row, _ in self.sheet.line_rows} | set(self.sheet.tags.values())
        for row in range(excel.HEADER_ROW + 1, len(self.sheet.rows) + 1):
            if row in tagged:
                continue
            written = next(
                (
                    (column, self.sheet.text(row, column))
                    for column in excel.LINE_FIELD_COLUMN.values()
                    if self.sheet.text(row, column)
                ),
                None,
            )
            if written is not None:
                header = excel.LINE_COLUMNS[written[0] - 1][1].format(period=self.report.round.period)
                self.issue(
                    row,
                    header,
                    written[1][:50],
                    "模板中的指标行：监控的指标来自已批复的绩效目标表，不能增加；请删除该行，把内容填到对应指标的行",
                )
        return [given[p] for p in sorted(given)]

    def _line(self, row: int, position: int) -> services.LineIn:
        column = excel.LINE_FIELD_COLUMN
        period = self.report.round.period
        header = {name: title.format(period=period) for name, title in _LINE_HEADERS.items()}
        values = {name: self.text(row, column[name], header[name], limit) for name, limit in excel.TEXT_LIMITS.items()}
        reason = _choice(self.sheet.text(row, column["reason"]))
        if reason and reason not in Reason.values:
            self.issue(row, header["reason"], self.sheet.text(row, column["reason"]), _one_of(Reason.values))
        likelihood = _choice(self.sheet.text(row, column["likelihood"]))
        if likelihood and likelihood not in Likelihood.values:
            self.issue(
                row, header["likelihood"], self.sheet.text(row, column["likelihood"]), _one_of(Likelihood.values)
            )
        return services.LineIn(position=position, reason=reason, likelihood=likelihood, **values)


def _one_of(values: list[str]) -> str:
    return f"{'、'.join(values)} 之一（从下拉列表选择），或留空"


def _reports_in_reach(actor: Any, ids: set[int]) -> dict[int, Report]:
    """The listed reports the actor may edit; any other id is as good as unknown (no leak)."""
    regions = region_ids_for(actor)
    found = (
        Report.objects.with_scope(region=regions, unit=unit_ids_for(actor, regions))
        .filter(pk__in=ids)
        .select_related("region", "unit", "round__fiscal_year", "project__category")
        .prefetch_related("lines")
    )
    return {r.pk: r for r in found if has_perm(actor, "monitoring.edit", r)}


def report_import_validate(*, actor: Any, filename: str, data: bytes) -> ReportImportPlan:
    """Read a filled template and check it; the plan holds the issues, or what would be written."""
    plan = ReportImportPlan(file=filename)
    if PurePath(filename).suffix.lower() not in {".xlsx", ".xlsm"}:
        plan.issues.append(Issue(filename, None, None, None, "", "应为本系统下载的监控表填报模板（.xlsx）"))
        return plan
    sheets = _read_sheets(filename, data, plan.issues)
    if not sheets:
        if not plan.issues:
            plan.issues.append(Issue(filename, None, None, None, "", NOT_TEMPLATE))
        return plan
    ids = {int(s.text(2, excel.MARKER_COLUMN)) for s in sheets if _ID.match(s.text(2, excel.MARKER_COLUMN))}
    reports = _reports_in_reach(actor, ids)
    seen: dict[int, str] = {}
    for sheet in sheets:
        raw = sheet.text(2, excel.MARKER_COLUMN)

        def issue(row: int | None, column: str, value: str, expected: str, sheet: TemplateSheet = sheet) -> None:
            plan.issues.append(Issue(filename, sheet.name, row, column, value, expected))

        if not _ID.match(raw):
            issue(2, "监控表编号（隐藏的 L 列）", raw, f"系统生成的监控表编号：隐藏的 L 列被改动，{REDOWNLOAD}")
            continue
        report = reports.get(int(raw))
        if report is None:
            issue(
                2,
                "监控表编号（隐藏的 L 列）",
                raw,
                f"您可填报的监控表的编号：编号 {raw} 的监控表不存在或不属于您可填报的单位，{REDOWNLOAD}",
            )
            continue
        if report.pk in seen:
            issue(
                2,
                "监控表编号（隐藏的 L 列）",
                raw,
                f"每张监控表在一个文件中只出现一次（已见于工作表「{seen[report.pk]}」）",
            )
            continue
        seen[report.pk] = sheet.name
        code = sheet.text(3, 8)
        if code != report.project.code:
            issue(
                3,
                "项目编码",
                code,
                f"{report.project.code}（隐藏的监控表编号对应的项目）：编号与项目不符，{REDOWNLOAD}",
            )
            continue
        if report.round.closed:
            issue(2, "监控任务", report.round.title, "进行中的监控任务：该任务已结束，不能再导入")
            continue
        if not report.editable:
            issue(
                2,
                "填报状态",
                report.get_status_display(),
                f"{ReportStatus.DRAFT.label}或{ReportStatus.RETURNED.label}的监控表：已报送的监控表不能通过导入修改",
            )
            continue
        checker = _Checker(plan, sheet, report)
        estimate = checker.estimate()
        summary = checker.long_text(excel.TAG_SUMMARY, "执行情况与偏差分析")
        field_notes = checker.long_text(excel.TAG_FIELD_NOTES, "实地核查情况")
        lines = checker.lines()
        if checker.failed:
            continue
        planned = PlannedReport(sheet.name, report, lines, summary, estimate, field_notes)
        _preview(planned)
        plan.reports.append(planned)
    return plan


def _preview(planned: PlannedReport) -> None:
    """What changes, and the indicator lights the filled values give under the round's rules."""
    report = planned.report
    round_ = report.round
    rules = compute.rules_of(round_)
    stored = {line.position: line for line in report.lines.all()}
    fields = ("done", "expected", "reason", "reason_note", "likelihood", "measures")
    changed = sum(
        1
        for given in planned.lines
        for name in fields
        if getattr(given, name).strip() != getattr(stored[given.position], name)
    )
    changed += sum(
        1
        for old, new in (
            (report.summary, planned.summary.strip()),
            (report.field_notes, planned.field_notes.strip()),
            (report.estimate, planned.estimate),
        )
        if old != new
    )
    planned.changed = changed
    for given in planned.lines:
        line = stored[given.position]
        probe = Line(
            level1=line.level1,
            level2=line.level2,
            name=line.name,
            symbol=line.symbol,
            target=line.target,
            unit=line.unit,
            done=given.done.strip(),
            expected=given.expected.strip(),
        )
        colour = compute.line_check(probe, round_.month, round_.fiscal_year.year, rules).light.colour
        planned.lights[colour or ""] += 1


def report_import_commit(*, actor: Any, filename: str, data: bytes) -> ReportImportPlan:
    """Validate again against the database as it is now, then write every report, or none."""
    plan = report_import_validate(actor=actor, filename=filename, data=data)
    if plan.issues:
        raise DomainError(f"文件「{filename}」有 {len(plan.issues)} 处错误，未导入任何监控表")
    if not plan.reports:
        raise DomainError(f"文件「{filename}」中没有可导入的监控表")
    try:
        with transaction.atomic():
            for planned in plan.reports:
                report = services._locked_report(planned.report)
                ensure_perm(actor, "monitoring.edit", report)
                services._ensure_open(report)
                if not report.editable:
                    raise DomainError(f"「{planned.label}」的监控表已报送")
                planned.report = services._report_write(
                    report, planned.lines, planned.summary, planned.estimate, planned.field_notes
                )
            units = {p.report.unit_id for p in plan.reports}
            first = plan.reports[0].report
            log_action(
                actor=actor,
                action="monitoring.reports.imported",
                target=None,
                region=first.region,
                unit=first.unit if len(units) == 1 else None,
                data={
                    "file": filename,
                    "reports": [
                        {"id": p.report.pk, "project": p.report.project.code, "light": p.report.light}
                        for p in plan.reports
                    ][:200],
                    "changed": plan.changed,
                },
            )
    except DomainError as exc:
        raise DomainError(f"{exc.message}，未导入任何监控表") from None
    return plan
