"""The monitoring summary export, the unit's template and its two-step import."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import Workbook, load_workbook

from jixiao.audit.models import AuditEntry
from jixiao.core import goal_excel
from jixiao.monitoring import excel, imports, services
from jixiao.monitoring.models import Line, Report, ReportStatus, Round
from tests.conftest import World
from tests.monitoring.conftest import ON_TRACK, report_of

pytestmark = pytest.mark.django_db

L = excel.MARKER_COLUMN
COLUMN = excel.LINE_FIELD_COLUMN


def xlsx(book: Workbook, name: str = "监控表.xlsx") -> io.BytesIO:
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def template(client: Any, round_: Round) -> Workbook:
    response = client.get(reverse("monitoring:report_template", args=[round_.pk]))
    assert response.status_code == 200, response
    assert response["Content-Type"] == excel.XLSX_TYPE
    return load_workbook(io.BytesIO(response.content))


def report_sheet(book: Workbook) -> Any:
    sheets = [s for s in book.worksheets if s.cell(row=1, column=L).value == excel.SCHEMA]
    assert len(sheets) == 1
    return sheets[0]


def line_rows(sheet: Any) -> dict[str, int]:
    """三级指标 name → its row, found by the hidden tags."""
    return {
        sheet.cell(row=r, column=excel.NAME_COLUMN).value: r
        for r in range(1, sheet.max_row + 1)
        if str(sheet.cell(row=r, column=L).value or "").startswith(excel.TAG_LINE)
    }


def fill(book: Workbook, **overrides: str) -> Workbook:
    """Every indicator on track unless overridden by name; 义务教育巩固率 explained as lagging."""
    sheet = report_sheet(book)
    for name, row in line_rows(sheet).items():
        sheet.cell(row=row, column=COLUMN["done"]).value = overrides.get(name, ON_TRACK[name])
    row = line_rows(sheet)["义务教育巩固率"]
    sheet.cell(row=row, column=COLUMN["reason"]).value = "人员保障"
    sheet.cell(row=row, column=COLUMN["likelihood"]).value = "有可能"
    sheet.cell(row=row, column=COLUMN["measures"]).value = "9 月开学前逐户核查辍学学生"
    sheet.cell(*excel.ESTIMATE_CELL).value = 95.5
    sheet.cell(row=excel.SUMMARY_ROW, column=3).value = "上半年工程款尚未结算，预计 10 月集中支付。"
    return book


def stored(report: Report) -> dict[str, Line]:
    with scopes_disabled():
        return {line.name: line for line in Line.objects.filter(report=report)}


def fresh(report: Report) -> Report:
    with scopes_disabled():
        return Report.objects.get(pk=report.pk)


def preview(client: Any, upload: io.BytesIO) -> tuple[str, Any]:
    response = client.post(reverse("monitoring:import"), {"file": upload})
    assert response.status_code == 200
    return response.content.decode(), response.context


def imported() -> int:
    return AuditEntry.objects.filter(action="monitoring.reports.imported").count()


# ---------------------------------------------------------------- export


def test_export_lists_the_rows_totals_and_lights(world: World, round_: Round, client_for: Any) -> None:
    report = report_of(round_)
    services.decision_make(
        actor=world.actors["office"], report=report, kind="correct", reason="限期纠偏", working_days=10
    )
    response = client_for("office").get(reverse("monitoring:round_export", args=[round_.pk]))
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [excel.SUMMARY_SHEET, excel.DETAIL_SHEET]
    sheet = book[excel.SUMMARY_SHEET]
    assert sheet["A1"].value == "株洲市渌口区2026年度项目支出绩效运行监控汇总表"
    assert round_.title in sheet["A2"].value and "1–8月" in sheet["A2"].value
    headers = [sheet.cell(row=4, column=c).value or sheet.cell(row=3, column=c).value for c in range(1, 20)]
    assert headers[:7] == ["序号", "单位编码", "单位名称", "项目编码", "项目名称", "项目类别", "全年预算数（万元）"]
    assert headers[-1] == "填报状态" and "处理决定" in headers and "目标与执行偏差（百分点）" in headers
    row = [sheet.cell(row=5, column=c) for c in range(1, 20)]
    assert [c.value for c in row[1:5]] == ["105", "株洲市渌口区教育局", "A001", "义务教育学校公用经费保障"]
    # Amounts are numbers in 万元 with two decimals; rates are numbers shown as percentages.
    assert (row[6].value, row[7].value) == (100, 20) and row[6].number_format == "#,##0.00"
    assert row[8].value == pytest.approx(0.2) and row[8].number_format == "0.0%"
    assert row[9].value == pytest.approx(float(report.expected_share))
    assert row[10].value in ("本类项目历史节奏", "序时进度")
    assert row[13].value == "红灯" and row[13].fill.fgColor.rgb.endswith("FFC7CE")
    assert row[11].value == "红灯" and row[11].fill.fgColor.rgb.endswith("FFC7CE")
    assert row[15].value == pytest.approx(float(report.forecast) / 10000, abs=0.01)
    assert "纠偏" in row[17].value and "待单位落实" in row[17].value
    assert row[18].value == "填报中"
    totals = [sheet.cell(row=6, column=c).value for c in range(1, 20)]
    assert totals[0] == "合计（1 个项目）" and (totals[6], totals[7]) == (100, 20)
    assert totals[8] == pytest.approx(0.2) and "红1" in totals[13] and totals[18] == "已报送 0/1"
    assert sheet.freeze_panes == "F5" and sheet.print_title_rows == "$3:$4"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    detail = book[excel.DETAIL_SHEET]
    names = [detail.cell(row=r, column=7).value for r in range(4, detail.max_row + 1)]
    assert sorted(names) == sorted(ON_TRACK)
    assert detail["H4"].value == "≥12000人"


def test_export_shows_only_the_reports_in_reach(world: World, round_: Round, client_for: Any) -> None:
    url = reverse("monitoring:round_export", args=[round_.pk])
    for actor, present in (("unit_a_editor", True), ("section", True), ("auditor", True), ("unit_b_editor", False)):
        response = client_for(actor).get(url)
        assert response.status_code == 200, actor
        sheet = load_workbook(io.BytesIO(response.content))[excel.SUMMARY_SHEET]
        codes = {sheet.cell(row=r, column=4).value for r in range(5, sheet.max_row + 1)}
        assert ("A001" in codes) is present, actor
        assert sheet.cell(row=5 + present, column=1).value == f"合计（{int(present)} 个项目）"
    assert client_for("agency").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302
    with scopes_disabled():
        other = Round.objects.get(pk=round_.pk)
        other.pk, other.region = None, world.other_region
        other.save()
    assert client_for("office").get(reverse("monitoring:round_export", args=[other.pk])).status_code == 404


def test_export_follows_the_page_filters(world: World, round_: Round, client_for: Any) -> None:
    url = reverse("monitoring:round_export", args=[round_.pk])
    sheet = load_workbook(io.BytesIO(client_for("office").get(url, {"light": "green"}).content))[excel.SUMMARY_SHEET]
    assert sheet["A5"].value == "合计（0 个项目）"


# ---------------------------------------------------------------- template


def test_template_locks_what_the_system_computed(world: World, round_: Round, client_for: Any) -> None:
    sheet = report_sheet(template(client_for("unit_a_editor"), round_))
    report = report_of(round_)
    assert sheet.title == "A001"
    assert sheet["A1"].value == "项目支出绩效目标执行监控表"
    assert sheet["C3"].value == "义务教育学校公用经费保障" and sheet["H3"].value == "A001"
    assert sheet["C4"].value == "株洲市渌口区教育局（105）"
    assert sheet.cell(row=2, column=L).value == str(report.pk)
    assert sheet.column_dimensions["L"].hidden
    assert (sheet["C6"].value, sheet["D6"].value) == (100, 20)
    assert sheet.protection.sheet
    assert sheet["C6"].protection.locked and sheet["C6"].fill.fgColor.rgb.endswith("EDEDED")
    assert not sheet.cell(*excel.ESTIMATE_CELL).protection.locked
    assert "1–8月" in sheet.cell(row=excel.HEADER_ROW, column=COLUMN["done"]).value
    rows = line_rows(sheet)
    assert sorted(rows) == sorted(ON_TRACK)
    first = min(rows.values())
    assert sheet.cell(row=first, column=3).protection.locked
    assert not sheet.cell(row=first, column=COLUMN["done"]).protection.locked
    lists = {v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists == {'"经费保障,制度保障,人员保障,硬件条件保障,其他"', '"确定能,有可能,完全不可能"'}
    assert sheet.page_setup.orientation == "landscape"


def test_template_is_only_for_the_editable_reports_of_the_caller(world: World, round_: Round, client_for: Any) -> None:
    url = reverse("monitoring:report_template", args=[round_.pk])
    assert client_for("section").get(url).status_code == 403
    assert client_for("unit_a_leader").get(url).status_code == 403
    nothing = client_for("unit_b_editor").get(url)
    assert nothing.status_code == 302 and nothing["Location"] == reverse("monitoring:round_detail", args=[round_.pk])
    assert client_for("unit_a_editor").get(url, {"unit": world.unit_b.pk}).status_code == 404
    assert client_for("unit_a_editor").get(url, {"unit": "x"}).status_code == 404
    assert client_for("unit_a_editor").get(url, {"unit": world.unit_a.pk}).status_code == 200
    with scopes_disabled():
        Report.objects.filter(round=round_).update(status=ReportStatus.SUBMITTED)
    assert client_for("unit_a_editor").get(url).status_code == 302


# ---------------------------------------------------------------- import


def test_template_round_trip_stores_the_values_and_recomputes_the_lights(
    world: World, round_: Round, client_for: Any
) -> None:
    report = report_of(round_)
    assert all(line.done == "" for line in stored(report).values())
    client = client_for("unit_a_editor")
    book = fill(template(client, round_), 义务教育巩固率="50")
    page, context = preview(client, xlsx(book))
    assert 'id="import-preview"' in page, page[:3000]
    plan = context["plan"]
    assert [p.report.pk for p in plan.reports] == [report.pk] and plan.reports[0].lights["red"] >= 1
    assert all(line.done == "" for line in stored(report).values())  # the preview writes nothing
    done = client.post(reverse("monitoring:import_commit"), {"token": context["token"]})
    assert done.status_code == 302 and done["Location"] == reverse("monitoring:my_reports")
    lines = stored(report)
    assert lines["公用经费保障的在校学生人数"].done == "12100"
    assert lines["义务教育巩固率"].done == "50"
    assert (lines["义务教育巩固率"].reason, lines["义务教育巩固率"].likelihood) == ("人员保障", "有可能")
    assert lines["义务教育巩固率"].measures == "9 月开学前逐户核查辍学学生"
    assert lines["义务教育巩固率"].light == "red" and lines["学生家长满意度"].light == "green"
    after = fresh(report)
    assert after.estimate == Decimal("955000.00") and after.summary.startswith("上半年工程款")
    assert after.goal_light == "red" and after.computed_at > report.computed_at
    assert imported() == 1
    entry = AuditEntry.objects.get(action="monitoring.reports.imported")
    assert entry.data["file"] == "监控表.xlsx" and entry.data["reports"][0]["id"] == report.pk
    assert AuditEntry.objects.filter(action="monitoring.report.saved").count() == 0
    # The staged file is gone: committing twice does nothing more.
    again = client.post(reverse("monitoring:import_commit"), {"token": context["token"]})
    assert again.status_code == 302 and imported() == 1


def test_an_unchanged_template_imports_as_no_change(world: World, round_: Round, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    _, context = preview(client, xlsx(template(client, round_)))
    assert context["plan"].issues == [] and context["plan"].changed == 0


def _set_line(name: str, field: str, value: object) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        sheet.cell(row=line_rows(sheet)[name], column=COLUMN[field]).value = value

    return change


def _set(cell: str, value: object) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        sheet[cell].value = value

    return change


def _insert_row(sheet: Any) -> None:
    row = max(line_rows(sheet).values()) + 1
    sheet.cell(row=row, column=COLUMN["done"]).value = "新增的指标"


def _delete_line(sheet: Any) -> None:
    row = line_rows(sheet)["学生家长满意度"]
    sheet.cell(row=row, column=L).value = None


@pytest.mark.parametrize(
    ("change", "column", "value", "expected"),
    [
        (_set_line("义务教育巩固率", "reason", "钱不够"), "偏差原因分析", "钱不够", "经费保障、制度保障"),
        (_set_line("义务教育巩固率", "likelihood", "差不多"), "完成目标可能性", "差不多", "确定能、有可能、完全不可能"),
        (
            _set_line("义务教育巩固率", "measures", "措" * 2001),
            "备注（拟采取的措施）",
            "措" * 20 + "……",
            "不超过 2000 字",
        ),
        (
            _set_line("学生家长满意度", "done", "9" * 101),
            "1–8月执行情况（截至本期完成值）",
            "9" * 20 + "……",
            "不超过 100 字",
        ),
        (_set("G6", "很多"), "全年预计执行数（单位填报）", "很多", "以万元为单位的"),
        (_set("L2", "abc"), "监控表编号（隐藏的 L 列）", "abc", "隐藏的 L 列被改动"),
        (
            _set("L2", "999999"),
            "监控表编号（隐藏的 L 列）",
            "999999",
            "编号 999999 的监控表不存在或不属于您可填报的单位",
        ),
        (_set("H3", "B001"), "项目编码", "B001", "编号与项目不符"),
        (_set("C11", "改过的指标"), "三级指标", "改过的指标", "请勿改动指标名称"),
        (_insert_row, "1–8月执行情况（截至本期完成值）", "新增的指标", "不能增加"),
        (_delete_line, "三级指标", "", "「学生家长满意度」所在的行"),
        (_set("L1", "jixiao.monitoring-report/0"), "模板标识", "jixiao.monitoring-report/0", "本系统可读取的模板"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_written(
    world: World,
    round_: Round,
    client_for: Any,
    change: Callable[[Any], None],
    column: str,
    value: str,
    expected: str,
) -> None:
    report = report_of(round_)
    client = client_for("unit_a_editor")
    book = fill(template(client, round_))
    sheet = report_sheet(book)
    change(sheet)
    page, context = preview(client, xlsx(book))
    plan = context["plan"]
    assert 'id="import-errors"' in page and context["token"] is None
    issue = next((i for i in plan.issues if i.column == column), None)
    assert issue is not None, plan.issues
    assert (issue.file, issue.sheet) == ("监控表.xlsx", "A001")
    assert issue.value == value and expected in issue.expected
    assert issue.row is not None or column == "三级指标"
    assert "工作表「A001」" in issue.message()
    assert all(line.done == "" for line in stored(report).values())
    assert fresh(report).estimate is None and imported() == 0


def test_a_report_of_another_unit_is_an_error_naming_its_id(world: World, round_: Round, client_for: Any) -> None:
    report = report_of(round_)
    book = fill(template(client_for("unit_a_editor"), round_))
    page, context = preview(client_for("unit_b_editor"), xlsx(book))
    [issue] = context["plan"].issues
    assert issue.row == 2 and issue.value == str(report.pk)
    assert f"编号 {report.pk} 的监控表不存在或不属于您可填报的单位" in issue.expected
    # Told apart from an unknown id by nothing: the project's name does not leak.
    assert "义务教育学校公用经费保障" not in page
    assert all(line.done == "" for line in stored(report).values()) and imported() == 0


@pytest.mark.parametrize(
    ("make", "column", "expected"),
    [
        (lambda w, r: services.round_close(actor=w.actors["office"], round_=r), "监控任务", "该任务已结束"),
        (
            lambda w, r: Report.objects.filter(round=r).update(status=ReportStatus.SUBMITTED),
            "填报状态",
            "已报送的监控表不能通过导入修改",
        ),
    ],
)
def test_a_closed_round_or_a_submitted_report_is_not_imported(
    world: World, round_: Round, client_for: Any, make: Callable[[World, Round], Any], column: str, expected: str
) -> None:
    report = report_of(round_)
    client = client_for("unit_a_editor")
    book = fill(template(client, round_))
    with scopes_disabled():
        make(world, round_)
    _, context = preview(client, xlsx(book))
    [issue] = context["plan"].issues
    assert issue.column == column and expected in issue.expected and issue.sheet == "A001"
    assert all(line.done == "" for line in stored(report).values()) and imported() == 0


def test_the_commit_validates_again(world: World, round_: Round, client_for: Any) -> None:
    """The preview is not trusted: a report submitted between the two steps is not overwritten."""
    report = report_of(round_)
    client = client_for("unit_a_editor")
    _, context = preview(client, xlsx(fill(template(client, round_))))
    assert context["token"]
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.LEADER)
    response = client.post(reverse("monitoring:import_commit"), {"token": context["token"]}, follow=True)
    assert "未导入任何监控表" in response.content.decode()
    assert all(line.done == "" for line in stored(report).values()) and imported() == 0


def test_a_file_that_is_not_the_template_is_refused(world: World, round_: Round, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    goal_template = io.BytesIO(goal_excel.write_workbook([]))
    goal_template.name = "目标表.xlsx"
    _, context = preview(client, goal_template)
    assert [i.expected for i in context["plan"].issues] == [imports.NOT_TEMPLATE]
    broken = io.BytesIO(b"not a workbook")
    broken.name = "坏文件.xlsx"
    _, context = preview(client, broken)
    assert "不是有效的 Excel 文件" in context["plan"].issues[0].expected
    text = io.BytesIO(b"a,b\n")
    text.name = "监控表.csv"
    _, context = preview(client, text)
    assert "（.xlsx）" in context["plan"].issues[0].expected
    assert imported() == 0


def test_the_import_page_offers_the_templates(world: World, round_: Round, client_for: Any) -> None:
    page = client_for("unit_a_editor").get(reverse("monitoring:import"))
    assert page.status_code == 200
    assert reverse("monitoring:report_template", args=[round_.pk]) in page.content.decode()
    other = client_for("unit_b_editor").get(reverse("monitoring:import")).content.decode()
    assert reverse("monitoring:report_template", args=[round_.pk]) not in other
    assert client_for("section").get(reverse("monitoring:import")).status_code == 403
    assert client_for("office").post(reverse("monitoring:import_commit"), {"token": "x"}).status_code == 403


def test_an_expired_token_is_a_message(world: World, round_: Round, client_for: Any) -> None:
    response = client_for("unit_a_editor").post(reverse("monitoring:import_commit"), {"token": "x"}, follow=True)
    assert "导入文件已失效" in response.content.decode() and imported() == 0


def test_text_that_excel_would_run_is_exported_as_text(world: World, round_: Round, client_for: Any) -> None:
    report = report_of(round_)
    with scopes_disabled():
        Line.objects.filter(report=report, position=0).update(measures='=HYPERLINK("http://x","点击")')
    response = client_for("office").get(reverse("monitoring:round_export", args=[round_.pk]))
    detail = load_workbook(io.BytesIO(response.content))[excel.DETAIL_SHEET]
    cell = next(
        detail.cell(row=r, column=16) for r in range(4, detail.max_row + 1) if detail.cell(row=r, column=16).value
    )
    assert cell.value == '=HYPERLINK("http://x","点击")' and cell.data_type == "s" and cell.quotePrefix
