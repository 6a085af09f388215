"""Self-evaluation in Excel: one form as filed, the round's summary, the unit's template and its
two-step import."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import Workbook, load_workbook

from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError
from jixiao.core.goal_excel import write_workbook
from jixiao.evaluation import excel, imports, services
from jixiao.evaluation.models import Line, Round, SelfEval, Status
from jixiao.goals import services as goal_services
from jixiao.goals.models import GoalSheet
from tests.conftest import World
from tests.evaluation.conftest import ACTUALS, fill, form_of, open_round
from tests.goals.conftest import GOAL, sound_rows
from tests.monitoring.conftest import pay

pytestmark = pytest.mark.django_db

J = excel.MARKER_COLUMN
COLUMN = excel.LINE_FIELD_COLUMN
FILE = "自评表.xlsx"
RESULT = "全年保障 12150 名学生的公用经费，36 所学校正常运转。"


# ---------------------------------------------------------------- helpers


@pytest.fixture
def wide_round(world: World, approved_sheet: GoalSheet) -> Round:
    """One round over unit A's project, unit A's whole department and unit B's project."""
    editor_b, editor_a = world.actors["unit_b_editor"], world.actors["unit_a_editor"]
    sheet_b = goal_services.sheet_create_for_project(actor=editor_b, project=world.project_b)
    goal_services.sheet_save(
        actor=editor_b, sheet=sheet_b, goal=GOAL, rows=sound_rows(), funds={"general_public": Decimal(500000)}
    )
    department = goal_services.sheet_create_for_department(
        actor=editor_a, unit=world.unit_a, fiscal_year=world.fiscal_year
    )
    goal_services.sheet_save(actor=editor_a, sheet=department, goal=GOAL, rows=sound_rows())
    with scopes_disabled():
        # Approval itself is the goals app's business (and tested there).
        GoalSheet.objects.filter(pk__in=[sheet_b.pk, department.pk]).update(approved_version=1)
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    return open_round(world)


def department_form(round_: Round) -> SelfEval:
    with scopes_disabled():
        return SelfEval.objects.select_related("round__fiscal_year", "unit").get(round=round_, kind="department")


def xlsx(book: Workbook | bytes, name: str = FILE) -> io.BytesIO:
    buffer = io.BytesIO()
    if isinstance(book, bytes):
        buffer.write(book)
    else:
        book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def download(client: Any, url: str, **params: Any) -> Workbook:
    response = client.get(url, params)
    assert response.status_code == 200, response
    assert response["Content-Type"] == excel.XLSX_TYPE and "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def template(client: Any, round_: Round) -> Workbook:
    return download(client, reverse("evaluation:form_template", args=[round_.pk]))


def form_sheets(book: Workbook) -> dict[str, Any]:
    return {s.title: s for s in book.worksheets if s.cell(row=1, column=J).value == excel.SCHEMA}


def form_sheet(book: Workbook, title: str = "A001") -> Any:
    return form_sheets(book)[title]


def line_rows(sheet: Any) -> dict[str, int]:
    """三级指标 name → its row, found by the hidden tags."""
    return {
        sheet.cell(row=r, column=excel.NAME_COLUMN).value: r
        for r in range(1, sheet.max_row + 1)
        if str(sheet.cell(row=r, column=J).value or "").startswith(excel.TAG_LINE)
    }


def tag_row(sheet: Any, tag: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=J).value == tag)


def fill_sheet(sheet: Any, **overrides: str) -> Any:
    """Every actual as a careful unit writes it, unless overridden by indicator name."""
    for name, row in line_rows(sheet).items():
        sheet.cell(row=row, column=COLUMN["actual"]).value = overrides.get(name, ACTUALS[name])
    sheet.cell(row=excel.GOAL_ROW, column=excel.GOAL_RESULT_COLUMN).value = RESULT
    return sheet


def make_qualitative(form: SelfEval, name: str = "学校正常运转保障率") -> Line:
    with scopes_disabled():
        Line.objects.filter(form=form, name=name).update(symbol="定性", value="各校正常运转", unit="")
        return Line.objects.get(form=form, name=name)


def stored(form: SelfEval) -> dict[str, Line]:
    with scopes_disabled():
        return {line.name: line for line in Line.objects.filter(form=form)}


def fresh(form: SelfEval) -> SelfEval:
    with scopes_disabled():
        return SelfEval.objects.get(pk=form.pk)


def preview(client: Any, upload: io.BytesIO) -> tuple[str, Any]:
    response = client.post(reverse("evaluation:import"), {"file": upload})
    assert response.status_code == 200
    return response.content.decode(), response.context


def imported() -> int:
    return AuditEntry.objects.filter(action="evaluation.forms.imported").count()


# ---------------------------------------------------------------- one form


def test_form_export_is_the_national_table(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_))
    assert form.total == Decimal("99.50")
    book = download(client_for("unit_a_editor"), reverse("evaluation:form_export", args=[form.pk]))
    assert book.sheetnames == ["A001"]
    sheet = book["A001"]
    assert sheet["A1"].value == "项目支出绩效自评表" and sheet["A2"].value == "（2026年度）"
    assert (sheet["A3"].value, sheet["C3"].value) == ("项目名称", "义务教育学校公用经费保障")
    assert (sheet["A4"].value, sheet["C4"].value) == ("主管部门", "株洲市渌口区教育局")
    assert (sheet["F4"].value, sheet["H4"].value) == ("实施单位", "株洲市渌口区教育局")
    assert sheet["A5"].value == "项目资金（万元）" and "A5:A9" in sheet.merged_cells
    headers = [sheet.cell(row=5, column=c).value for c in range(3, 9)]
    assert headers == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    funding = [sheet.cell(row=6, column=c) for c in range(2, 9)]
    assert funding[0].value == "年度资金总额"
    # 万元 with two decimals; the rate a number shown as a percentage; scores to two decimals.
    assert [c.value for c in funding[1:4]] == [100, 100, 95] and funding[1].number_format == "#,##0.00"
    assert funding[4].value == 10 and funding[4].number_format == "0.00"
    assert funding[5].value == pytest.approx(0.95) and funding[5].number_format == "0.00%"
    assert funding[6].value == pytest.approx(9.5) and funding[6].number_format == "0.00"
    # Only the total is known: the 其中 rows stay empty rather than carry an invented split.
    assert [sheet.cell(row=r, column=2).value for r in (7, 8, 9)] == ["其中：本年财政拨款", "上年结转资金", "其他资金"]
    assert all(sheet.cell(row=r, column=c).value in (None, "") for r in (7, 8, 9) for c in (3, 4, 5))
    assert sheet.cell(row=excel.GOAL_HEADER_ROW, column=1).value == "年度总体目标"
    assert sheet.cell(row=excel.GOAL_ROW, column=2).value == GOAL
    assert sheet.cell(row=excel.GOAL_ROW, column=excel.GOAL_RESULT_COLUMN).value == RESULT
    assert [sheet.cell(row=excel.HEADER_ROW, column=c).value for c in range(1, 9)] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    first = [sheet.cell(row=excel.HEADER_ROW + 1, column=c).value for c in range(1, 10)]
    assert first[:6] == ["产出指标", "数量指标", "公用经费保障的在校学生人数", "≥12000人", "12150", 10]
    assert first[6] == 10 and first[8] == "学籍管理系统"
    total_row = excel.HEADER_ROW + 9
    assert sheet.cell(row=total_row, column=1).value == "总分"
    assert sheet.cell(row=total_row, column=6).value == 100
    assert sheet.cell(row=total_row, column=7).value == pytest.approx(99.5)
    assert sheet.cell(row=total_row, column=7).number_format == "0.00"
    assert (sheet.cell(row=total_row + 1, column=1).value, sheet.cell(row=total_row + 1, column=6).value) == (
        "评价等级",
        "优",
    )
    signature = " ".join(str(sheet.cell(row=r, column=1).value or "") for r in range(total_row, sheet.max_row + 1))
    assert "项目负责人（签字）" in signature and "财务负责人（签字）" in signature
    # What a unit files carries no ids and no protection.
    assert sheet.cell(row=1, column=J).value is None and not sheet.protection.sheet


def test_a_department_form_names_the_unit(world: World, wide_round: Round, client_for: Any) -> None:
    form = department_form(wide_round)
    sheet = download(client_for("office"), reverse("evaluation:form_export", args=[form.pk])).active
    assert sheet.title == "105部门整体"
    assert sheet["A1"].value == "部门整体支出绩效自评表"
    assert (sheet["A3"].value, sheet["C3"].value) == ("部门（单位）名称", "株洲市渌口区教育局")
    assert sheet["A5"].value == "部门资金（万元）"
    assert sheet["D6"].value in (None, "")  # the unit has not reported its execution yet
    signature = " ".join(str(sheet.cell(row=r, column=1).value or "") for r in range(20, sheet.max_row + 1))
    assert "单位负责人（签字）" in signature


def test_text_that_excel_would_run_is_exported_as_text(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_), goal_result="@SUM(A1:A9)")
    with scopes_disabled():
        Line.objects.filter(form=form, position=0).update(deviation_reason='=HYPERLINK("http://x","点击")')
    sheet = download(client_for("office"), reverse("evaluation:form_export", args=[form.pk])).active
    reason = sheet.cell(row=excel.HEADER_ROW + 1, column=COLUMN["deviation_reason"])
    assert reason.value == '=HYPERLINK("http://x","点击")' and reason.data_type == "s" and reason.quotePrefix
    result = sheet.cell(row=excel.GOAL_ROW, column=excel.GOAL_RESULT_COLUMN)
    assert result.value == "@SUM(A1:A9)" and result.quotePrefix


def test_form_export_is_for_those_who_see_the_form(world: World, round_: Round, client_for: Any) -> None:
    url = reverse("evaluation:form_export", args=[form_of(round_).pk])
    for actor in ("unit_a_editor", "unit_a_leader", "section", "office", "auditor"):
        assert client_for(actor).get(url).status_code == 200, actor
    assert client_for("unit_b_editor").get(url).status_code == 404
    assert client_for("agency").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("office").get(reverse("evaluation:form_export", args=[999999])).status_code == 404


# ---------------------------------------------------------------- the round's summary


def summary_rows(book: Workbook) -> list[list[Any]]:
    sheet = book[excel.SUMMARY_SHEET]
    return [[sheet.cell(row=r, column=c).value for c in range(1, 17)] for r in range(5, sheet.max_row + 1)]


def test_summary_lists_each_form_and_the_totals(world: World, round_: Round, client_for: Any) -> None:
    fill(world, form_of(round_))
    book = download(client_for("office"), reverse("evaluation:round_export", args=[round_.pk]))
    assert book.sheetnames == [excel.SUMMARY_SHEET]
    sheet = book[excel.SUMMARY_SHEET]
    assert sheet["A1"].value == "株洲市渌口区2026年度绩效自评结果汇总表"
    assert round_.title in sheet["A2"].value and "default-2026.1" in sheet["A2"].value
    headers = [sheet.cell(row=4, column=c).value or sheet.cell(row=3, column=c).value for c in range(1, 17)]
    assert headers[:7] == ["序号", "单位编码", "单位名称", "项目编码", "项目名称", "类型", "填报状态"]
    assert headers[7:] == [
        "全年预算数（万元）",
        "全年执行数（万元）",
        "预算执行率",
        "自评得分",
        "自评等级",
        "抽中复核",
        "复核得分",
        "自评与复核分差",
        "自评失真",
    ]
    [row, totals] = summary_rows(book)
    assert row[:7] == [1, "105", "株洲市渌口区教育局", "A001", "义务教育学校公用经费保障", "项目", "填报中"]
    assert (row[7], row[8]) == (100, 95) and sheet["H5"].number_format == "#,##0.00"
    assert row[9] == pytest.approx(0.95) and sheet["J5"].number_format == "0.00%"
    assert row[10] == pytest.approx(99.5) and row[11] == "优"
    assert row[12] == row[15] == "否" and row[13] in (None, "") and row[14] in (None, "")
    assert totals[0] == "合计（1 张自评表）" and (totals[7], totals[8]) == (100, 95)
    assert totals[10] == pytest.approx(99.5) and "优1" in totals[11] and totals[6] == "已报送 0/1"


def test_summary_shows_the_recheck(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_))
    for actor, action in (("unit_a_editor", "submit"), ("unit_a_leader", "leader_approve")):
        form = services.form_transition(actor=world.actors[actor], form=form, action=action)
    services.sample_draw(actor=world.actors["office"], round_=round_, share=Decimal("0.2"))
    services.recheck_save(actor=world.actors["office"], form=form, total=Decimal("85"), note="满意度样本不足")
    [row, totals] = summary_rows(download(client_for("office"), reverse("evaluation:round_export", args=[round_.pk])))
    assert row[6] == "待财政审核" and row[12:] == ["是", 85, pytest.approx(14.5), "是"]
    assert totals[12] == "抽中 1" and totals[15] == "失真 1"


def test_summary_shows_only_the_forms_in_reach(world: World, wide_round: Round, client_for: Any) -> None:
    url = reverse("evaluation:round_export", args=[wide_round.pk])
    seen = {
        actor: {(r[1], r[3]) for r in summary_rows(download(client_for(actor), url))[:-1]}
        for actor in ("office", "section", "unit_a_editor", "unit_a_leader", "unit_b_editor", "auditor")
    }
    a_project, a_department, b_project = ("105", "A001"), ("105", None), ("110", "B001")
    assert seen["office"] == seen["auditor"] == {a_project, a_department, b_project}
    assert seen["section"] == seen["unit_a_editor"] == seen["unit_a_leader"] == {a_project, a_department}
    assert seen["unit_b_editor"] == {b_project}
    assert client_for("agency").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302
    with scopes_disabled():
        other = Round.objects.get(pk=wide_round.pk)
        other.pk, other.region = None, world.other_region
        other.save()
    assert client_for("office").get(reverse("evaluation:round_export", args=[other.pk])).status_code == 404


def test_summary_follows_the_page_filters(world: World, wide_round: Round, client_for: Any) -> None:
    url = reverse("evaluation:round_export", args=[wide_round.pk])
    office = client_for("office")
    by = {
        key: [(r[1], r[3]) for r in summary_rows(download(office, url, **params))[:-1]]
        for key, params in {
            "unit": {"unit": world.unit_b.pk},
            "kind": {"kind": "department"},
            "q": {"q": "公用经费"},
            "grade": {"grade": "优"},
            "status": {"status": "accepted"},
        }.items()
    }
    assert by == {"unit": [("110", "B001")], "kind": [("105", None)], "q": [("105", "A001")], "grade": [], "status": []}


# ---------------------------------------------------------------- template


def test_template_locks_what_the_system_computed(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_))
    book = template(client_for("unit_a_editor"), round_)
    assert book.sheetnames == [excel.GUIDE_SHEET, "A001"]
    sheet = form_sheet(book)
    assert sheet["A1"].value == "项目支出绩效自评表" and sheet["C3"].value == "义务教育学校公用经费保障"
    assert sheet.cell(row=2, column=J).value == str(form.pk) and sheet.column_dimensions["J"].hidden
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet["C3"].protection.locked and sheet["C3"].fill.fgColor.rgb.endswith("EDEDED")
    # A project's execution comes from the payment data: locked.
    assert sheet["D6"].protection.locked and sheet["E6"].protection.locked and sheet["E6"].value == 95
    goal_result = sheet.cell(row=excel.GOAL_ROW, column=excel.GOAL_RESULT_COLUMN)
    assert not goal_result.protection.locked and goal_result.value == RESULT
    assert sheet.cell(row=excel.GOAL_ROW, column=2).protection.locked
    rows = line_rows(sheet)
    assert sorted(rows) == sorted(ACTUALS)
    row = rows["公用经费保障的在校学生人数"]
    assert sheet.cell(row=row, column=J).value == f"line:{stored(form)['公用经费保障的在校学生人数'].pk}"
    assert sheet.cell(row=row, column=COLUMN["actual"]).value == "12150"
    for name in ("actual", "deviation_reason", "source"):
        assert not sheet.cell(row=row, column=COLUMN[name]).protection.locked, name
    for column in (1, 2, 3, 4, 6):
        assert sheet.cell(row=row, column=column).protection.locked, column
    # A quantitative score is the system's: shown, locked.
    assert sheet.cell(row=row, column=COLUMN["score"]).protection.locked
    assert sheet.cell(row=row, column=COLUMN["score"]).value == 10
    for tag in (excel.TAG_EXECUTION_REASON, excel.TAG_CONCLUSION, excel.TAG_PROBLEMS, excel.TAG_MEASURES):
        assert not sheet.cell(row=tag_row(sheet, tag), column=excel.TEXT_COLUMN).protection.locked, tag
    limits = {(v.formula1, str(v.sqref).split(":")[0][0]) for v in sheet.data_validations.dataValidation}
    assert ("100", "E") in limits and ("2000", "H") in limits and ("200", "I") in limits
    guide = " ".join(str(c.value or "") for c in book[excel.GUIDE_SHEET]["A"])
    assert "白色单元格由单位填写" in guide and "隐藏的 J 列" in guide


def test_template_unlocks_a_qualitative_score_and_a_departments_execution(
    world: World, wide_round: Round, client_for: Any
) -> None:
    form = form_of(wide_round, world.project_a)
    line = make_qualitative(form)
    with scopes_disabled():
        Line.objects.filter(pk=line.pk).update(actual="部分达成", score_given=Decimal("11"))
    book = template(client_for("unit_a_editor"), wide_round)
    assert sorted(form_sheets(book)) == ["105部门整体", "A001"]  # not unit B's form
    project = form_sheet(book)
    score = project.cell(row=line_rows(project)["学校正常运转保障率"], column=COLUMN["score"])
    assert not score.protection.locked and score.value == 11
    department = form_sheet(book, "105部门整体")
    assert department["A1"].value == "部门整体支出绩效自评表"
    assert not department["D6"].protection.locked and not department["E6"].protection.locked
    assert department["C6"].protection.locked


def test_template_is_only_for_the_editable_forms_of_the_caller(world: World, round_: Round, client_for: Any) -> None:
    url = reverse("evaluation:form_template", args=[round_.pk])
    for actor in ("section", "unit_a_leader", "office", "auditor", "agency"):
        assert client_for(actor).get(url).status_code == 403, actor
    assert client_for("anonymous").get(url).status_code == 302
    nothing = client_for("unit_b_editor").get(url)
    assert nothing.status_code == 302 and nothing["Location"] == reverse("evaluation:round_detail", args=[round_.pk])
    editor = client_for("unit_a_editor")
    assert editor.get(url, {"unit": world.unit_b.pk}).status_code == 404
    assert editor.get(url, {"unit": "x"}).status_code == 404
    assert editor.get(url, {"unit": world.unit_a.pk}).status_code == 200
    with scopes_disabled():
        SelfEval.objects.filter(round=round_).update(status=Status.LEADER)
    assert editor.get(url).status_code == 302


# ---------------------------------------------------------------- import


def test_round_trip_writes_the_values_and_rescores(world: World, round_: Round, client_for: Any) -> None:
    form = fill(world, form_of(round_))
    assert (form.total, form.grade) == (Decimal("99.50"), "优")
    client = client_for("unit_a_editor")
    book = template(client, round_)
    sheet = fill_sheet(form_sheet(book), 学生家长满意度="85")
    row = line_rows(sheet)["学生家长满意度"]
    sheet.cell(row=row, column=COLUMN["deviation_reason"]).value = "问卷回收率偏低；明年改为入户调查"
    sheet.cell(row=row, column=COLUMN["source"]).value = "2026 年家长问卷"
    sheet.cell(row=tag_row(sheet, excel.TAG_CONCLUSION), column=excel.TEXT_COLUMN).value = "总体完成年度目标。"
    page, context = preview(client, xlsx(book))
    assert 'id="import-preview"' in page, page[:3000]
    [planned] = context["plan"].forms
    assert planned.form.pk == form.pk and planned.changed == 4
    assert (planned.before_total, planned.after_total) == (Decimal("99.50"), Decimal("98.94"))
    assert planned.delta == Decimal("-0.56") and planned.after_grade == "优" and planned.after_errors == 0
    assert "99.50" in page and "98.94" in page and "-0.56" in page
    assert fresh(form).total == Decimal("99.50") and stored(form)["学生家长满意度"].actual == "93"  # nothing yet
    done = client.post(reverse("evaluation:import_commit"), {"token": context["token"]})
    assert done.status_code == 302 and done["Location"] == reverse("evaluation:my_forms")
    lines = stored(form)
    assert lines["学生家长满意度"].actual == "85" and lines["学生家长满意度"].score == Decimal("9.44")
    assert lines["学生家长满意度"].deviation_reason == "问卷回收率偏低；明年改为入户调查"
    assert lines["学生家长满意度"].source == "2026 年家长问卷"
    after = fresh(form)
    assert (after.total, after.grade, after.conclusion) == (Decimal("98.94"), "优", "总体完成年度目标。")
    assert after.status == Status.DRAFT
    assert after.computed_at and form.computed_at and after.computed_at > form.computed_at
    entry = AuditEntry.objects.get(action="evaluation.forms.imported")
    assert entry.data["file"] == FILE and entry.data["forms"][0]["id"] == form.pk
    assert (entry.data["forms"][0]["before"], entry.data["forms"][0]["total"]) == ("99.50", "98.94")
    assert AuditEntry.objects.filter(action="evaluation.form.saved").count() == 1  # the fill before
    # The staged file is gone: committing twice does nothing more.
    again = client.post(reverse("evaluation:import_commit"), {"token": context["token"]}, follow=True)
    assert "导入文件已失效" in again.content.decode() and imported() == 1


def test_an_empty_form_is_scored_by_the_import(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    assert form.total is None
    client = client_for("unit_a_editor")
    book = template(client, round_)
    fill_sheet(form_sheet(book))
    _, context = preview(client, xlsx(book))
    assert context["plan"].forms[0].after_total == Decimal("99.50")
    client.post(reverse("evaluation:import_commit"), {"token": context["token"]})
    assert (fresh(form).total, fresh(form).grade) == (Decimal("99.50"), "优")
    assert stored(form)["公用经费保障的在校学生人数"].actual == "12150"


def test_an_unchanged_template_imports_as_no_change(world: World, round_: Round, client_for: Any) -> None:
    fill(world, form_of(round_))
    client = client_for("unit_a_editor")
    _, context = preview(client, xlsx(template(client, round_)))
    plan = context["plan"]
    assert plan.issues == [] and plan.changed == 0 and plan.forms[0].delta == 0


def test_a_qualitative_score_and_a_departments_execution_are_imported(
    world: World, wide_round: Round, client_for: Any
) -> None:
    project, department = form_of(wide_round, world.project_a), department_form(wide_round)
    make_qualitative(project)
    client = client_for("unit_a_editor")
    book = template(client, wide_round)
    sheet = fill_sheet(form_sheet(book), 学校正常运转保障率="部分达成")
    row = line_rows(sheet)["学校正常运转保障率"]
    sheet.cell(row=row, column=COLUMN["score"]).value = "11分"
    sheet.cell(row=row, column=COLUMN["deviation_reason"]).value = "两所学校停课维修；已完成维修"
    dept = fill_sheet(form_sheet(book, "105部门整体"))
    dept["D6"].value, dept["E6"].value = 500, "480.5"
    page, context = preview(client, xlsx(book))
    assert 'id="import-preview"' in page, [i.message() for i in context["plan"].issues]
    client.post(reverse("evaluation:import_commit"), {"token": context["token"]})
    line = stored(project)["学校正常运转保障率"]
    assert (line.actual, line.score_given, line.score, line.level) == (
        "部分达成",
        Decimal("11"),
        Decimal("11"),
        "部分达成",
    )
    after = fresh(department)
    assert (after.adjusted_budget, after.spent) == (Decimal("5000000.00"), Decimal("4805000.00"))
    assert after.execution_rate == Decimal("96.10") and after.total is not None
    assert fresh(project).total == Decimal("95.50")  # 15 points of 学校正常运转保障率 became 11
    assert imported() == 1


def _set_line(name: str, field: str, value: object) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        sheet.cell(row=line_rows(sheet)[name], column=COLUMN[field]).value = value

    return change


def _set(cell: str, value: object) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        sheet[cell].value = value

    return change


def _set_tag(name: str, value: str) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        sheet.cell(row=line_rows(sheet)[name], column=J).value = value

    return change


def _text(tag: str, value: str) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        column = excel.GOAL_RESULT_COLUMN if tag == excel.TAG_GOAL_RESULT else excel.TEXT_COLUMN
        sheet.cell(row=tag_row(sheet, tag), column=column).value = value

    return change


def _insert_row(sheet: Any) -> None:
    row = max(line_rows(sheet).values()) + 1
    sheet.insert_rows(row)
    for merged in sheet.merged_cells.ranges:  # openpyxl moves the cells but not the merges
        if merged.min_row >= row:
            merged.shift(0, 1)
    sheet.cell(row=row, column=COLUMN["actual"]).value = "新增的指标"


QUALITATIVE_ROW = excel.HEADER_ROW + 7  # 学校正常运转保障率, the seventh indicator
SATISFACTION_ROW = excel.HEADER_ROW + 8


@pytest.mark.parametrize(
    ("change", "row", "column", "value", "expected"),
    [
        (_set_line("学校正常运转保障率", "score", "良好"), QUALITATIVE_ROW, "得分", "良好", "0 到 100 之间"),
        (_set_line("学校正常运转保障率", "score", 120), QUALITATIVE_ROW, "得分", "120", "最多两位小数的数字"),
        (_set_line("学校正常运转保障率", "score", "8.125"), QUALITATIVE_ROW, "得分", "8.125", "最多两位小数"),
        (
            _set_line("学生家长满意度", "actual", "9" * 101),
            SATISFACTION_ROW,
            "实际完成值",
            "9" * 20 + "……",
            "不超过 100 字",
        ),
        (
            _set_line("学生家长满意度", "deviation_reason", "因" * 2001),
            SATISFACTION_ROW,
            "偏差原因分析及改进措施",
            "因" * 20 + "……",
            "不超过 2000 字",
        ),
        (
            _text(excel.TAG_GOAL_RESULT, "成" * 5001),
            excel.GOAL_ROW,
            "总体目标实际完成情况",
            "成" * 20 + "……",
            "不超过 5000 字",
        ),
        (_set("J2", "abc"), 2, "自评表编号（隐藏的 J 列）", "abc", "隐藏的 J 列被改动"),
        (_set("J2", "999999"), 2, "自评表编号（隐藏的 J 列）", "999999", "编号 999999 的自评表不存在"),
        (
            _set_tag("学生家长满意度", "line:999999"),
            SATISFACTION_ROW,
            "指标编号（隐藏的 J 列）",
            "999999",
            "该编号不属于这张自评表",
        ),
        (
            _set(f"C{SATISFACTION_ROW}", "改过的指标"),
            SATISFACTION_ROW,
            "三级指标",
            "改过的指标",
            "请勿改动指标名称",
        ),
        (_insert_row, SATISFACTION_ROW + 1, "实际完成值", "新增的指标", "不能增加"),
        (_set_tag("学生家长满意度", ""), None, "三级指标", "", "「学生家长满意度」所在的行"),
        (_set("J1", "jixiao.selfeval-form/0"), 1, "模板标识", "jixiao.selfeval-form/0", "本系统可读取的模板"),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_written(
    world: World,
    round_: Round,
    client_for: Any,
    change: Callable[[Any], None],
    row: int | None,
    column: str,
    value: str,
    expected: str,
) -> None:
    form = form_of(round_)
    make_qualitative(form)
    client = client_for("unit_a_editor")
    book = template(client, round_)
    sheet = fill_sheet(form_sheet(book), 学校正常运转保障率="部分达成")
    change(sheet)
    page, context = preview(client, xlsx(book))
    plan = context["plan"]
    assert 'id="import-errors"' in page and context["token"] is None and plan.forms == []
    issue = next((i for i in plan.issues if i.column == column), None)
    assert issue is not None, plan.issues
    assert (issue.file, issue.sheet, issue.row, issue.value) == (FILE, "A001", row, value)
    assert expected in issue.expected, issue.expected
    assert f"文件「{FILE}」工作表「A001」" in issue.message() and expected in issue.message()
    if row is not None:
        assert f"第 {row} 行" in issue.message()
    assert expected in page
    assert all(line.actual == "" for line in stored(form).values())
    assert fresh(form).goal_result == "" and imported() == 0


def test_a_bad_department_amount_is_named(world: World, wide_round: Round, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    book = template(client, wide_round)
    fill_sheet(form_sheet(book))
    fill_sheet(form_sheet(book, "105部门整体"))["E6"].value = "很多"
    _, context = preview(client, xlsx(book))
    [issue] = context["plan"].issues
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("105部门整体", 6, "全年执行数（万元）", "很多")
    assert "以万元为单位的" in issue.expected
    # One bad sheet stops the whole file: unit A's project form is not written either.
    assert stored(form_of(wide_round, world.project_a))["学生家长满意度"].actual == "" and imported() == 0


def test_what_write_form_refuses_is_named_at_the_sheet(
    world: World, round_: Round, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(form: SelfEval, data: services.FormIn) -> list[Line]:
        raise DomainError("全年预算数：应为不小于 0 的金额")

    client = client_for("unit_a_editor")
    book = template(client, round_)
    fill_sheet(form_sheet(book))
    monkeypatch.setattr(services, "write_form", refuse)
    _, context = preview(client, xlsx(book))
    [issue] = context["plan"].issues
    assert (issue.file, issue.sheet, issue.column) == (FILE, "A001", "填报内容")
    assert "全年预算数：应为不小于 0 的金额" in issue.expected and "工作表「A001」" in issue.message()
    assert context["token"] is None and imported() == 0


def test_a_form_of_another_unit_is_an_error_naming_its_id(world: World, wide_round: Round, client_for: Any) -> None:
    """Unit B's form id put in unit A's file, and unit A's file uploaded by unit B: refused,
    located, and the form is not described (it is not theirs to know about)."""
    b_form = form_of(wide_round, world.project_b)
    a_form = form_of(wide_round, world.project_a)
    book = template(client_for("unit_a_editor"), wide_round)
    sheet = fill_sheet(form_sheet(book))
    fill_sheet(form_sheet(book, "105部门整体"))
    sheet.cell(row=2, column=J).value = str(b_form.pk)
    page, context = preview(client_for("unit_a_editor"), xlsx(book))
    [issue] = context["plan"].issues
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("A001", 2, imports.FORM_ID, str(b_form.pk))
    assert f"编号 {b_form.pk} 的自评表不存在或不属于您可填报的单位" in issue.expected
    assert "平安城市视频监控运行维护" not in page
    sheet.cell(row=2, column=J).value = str(a_form.pk)
    page, context = preview(client_for("unit_b_editor"), xlsx(book))
    assert {(i.sheet, i.value) for i in context["plan"].issues} == {
        ("A001", str(a_form.pk)),
        ("105部门整体", str(department_form(wide_round).pk)),
    }
    assert "义务教育学校公用经费保障" not in page
    for form in (a_form, b_form, department_form(wide_round)):
        assert all(line.actual == "" for line in stored(form).values())
    assert imported() == 0


@pytest.mark.parametrize(
    ("make", "column", "expected"),
    [
        (lambda w, r: services.round_close(actor=w.actors["office"], round_=r), "自评任务", "该任务已结束"),
        (
            lambda w, r: SelfEval.objects.filter(round=r).update(status=Status.SUBMITTED),
            "填报状态",
            "已报送的自评表不能通过导入修改",
        ),
    ],
)
def test_a_closed_round_or_a_submitted_form_is_not_imported(
    world: World, round_: Round, client_for: Any, make: Callable[[World, Round], Any], column: str, expected: str
) -> None:
    form = form_of(round_)
    client = client_for("unit_a_editor")
    book = template(client, round_)
    fill_sheet(form_sheet(book))
    with scopes_disabled():
        make(world, round_)
    _, context = preview(client, xlsx(book))
    [issue] = context["plan"].issues
    assert issue.column == column and expected in issue.expected and (issue.sheet, issue.row) == ("A001", 2)
    assert all(line.actual == "" for line in stored(form).values()) and imported() == 0


def test_the_commit_validates_again(world: World, round_: Round, client_for: Any) -> None:
    """The preview is not trusted: a form sent up between the two steps is not overwritten."""
    form = form_of(round_)
    client = client_for("unit_a_editor")
    book = template(client, round_)
    fill_sheet(form_sheet(book))
    _, context = preview(client, xlsx(book))
    assert context["token"]
    with scopes_disabled():
        SelfEval.objects.filter(pk=form.pk).update(status=Status.LEADER)
    response = client.post(reverse("evaluation:import_commit"), {"token": context["token"]}, follow=True)
    assert "未导入任何自评表" in response.content.decode()
    assert all(line.actual == "" for line in stored(form).values()) and imported() == 0


def test_a_file_that_is_not_the_template_is_refused(world: World, round_: Round, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    _, context = preview(client, xlsx(write_workbook([]), "目标表.xlsx"))
    assert [i.message() for i in context["plan"].issues] == [
        "文件「目标表.xlsx」不是系统的绩效自评表填报模板：请在「绩效自评」中下载本单位的填报模板，填写后上传"
    ]
    _, context = preview(client, xlsx(b"not a workbook", "坏文件.xlsx"))
    assert "不是有效的 Excel 文件" in context["plan"].issues[0].expected
    _, context = preview(client, xlsx(b"a,b\n", "自评表.csv"))
    assert "（.xlsx）" in context["plan"].issues[0].expected
    assert imported() == 0


def test_the_import_pages_are_for_the_editors(world: World, round_: Round, client_for: Any) -> None:
    page = client_for("unit_a_editor").get(reverse("evaluation:import"))
    assert page.status_code == 200
    link = reverse("evaluation:form_template", args=[round_.pk])
    assert link in page.content.decode() and "1 张待填" in page.content.decode()
    assert link not in client_for("unit_b_editor").get(reverse("evaluation:import")).content.decode()
    for actor in ("section", "office", "unit_a_leader", "auditor", "agency"):
        assert client_for(actor).get(reverse("evaluation:import")).status_code == 403, actor
        assert client_for(actor).post(reverse("evaluation:import_commit"), {"token": "x"}).status_code == 403
    assert client_for("anonymous").get(reverse("evaluation:import")).status_code == 302
    assert client_for("unit_a_editor").get(reverse("evaluation:import_commit")).status_code == 405


def test_a_token_of_another_session_is_refused(world: World, round_: Round, client_for: Any) -> None:
    book = template(client_for("unit_a_editor"), round_)
    fill_sheet(form_sheet(book))
    _, context = preview(client_for("unit_a_editor"), xlsx(book))
    response = client_for("unit_b_editor").post(
        reverse("evaluation:import_commit"), {"token": context["token"]}, follow=True
    )
    assert "导入文件已失效" in response.content.decode() and imported() == 0
