import io
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from jixiao.audit.models import AuditEntry
from jixiao.core import goal_excel
from jixiao.core.workflow import State
from jixiao.goals import batch
from jixiao.goals.models import GoalSheet, ReviewRun, RuleSet
from tests.conftest import World
from tests.goals.conftest import GOAL, TO_APPROVED, move, sound_rows

pytestmark = pytest.mark.django_db


def editor_post(rows: list[Any], goal: str = GOAL, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"goal": goal, "fund_general_public": "100", **extra}
    for key in ("level1", "level2", "name", "symbol", "value", "unit", "weight", "basis", "source", "lib"):
        data[f"row_{key}"] = [str(getattr(r, key, "") or "") if key != "lib" else "" for r in rows]
    return data


def test_project_page_offers_to_write_the_sheet(world: World, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    page = client.get(reverse("budget:project_detail", args=[world.project_a.pk])).content.decode()
    assert "不予安排支出" in page and "编报绩效目标表" in page
    response = client.post(reverse("goals:sheet_create"), {"project": world.project_a.pk})
    with scopes_disabled():
        sheet = GoalSheet.objects.get(project=world.project_a)
    assert response.status_code == 302 and response["Location"] == reverse("goals:sheet_edit", args=[sheet.pk])
    page = client.get(reverse("budget:project_detail", args=[world.project_a.pk])).content.decode()
    assert "填报中" in page and "编报绩效目标表" not in page


def test_editor_saves_and_splits_whole_cells(world: World, sheet: GoalSheet, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    page = client.get(reverse("goals:sheet_edit", args=[sheet.pk])).content.decode()
    assert "公用经费保障的在校学生人数" in page and 'id="rf-7"' in page
    rows = sound_rows()
    rows[0].symbol, rows[0].value, rows[0].unit = "", "不少于1.2万人", ""
    response = client.post(reverse("goals:sheet_edit", args=[sheet.pk]), editor_post(rows))
    assert response.status_code == 302
    with scopes_disabled():
        first = GoalSheet.objects.get(pk=sheet.pk).indicators.get(position=0)
    assert (first.symbol, first.value, first.unit) == ("≥", "12000", "人")


def test_live_check_answers_beside_the_row(world: World, sheet: GoalSheet, client_for: Any) -> None:
    rows = sound_rows()
    rows[5].value = "120"
    response = client_for("unit_a_editor").post(
        reverse("goals:sheet_check", args=[sheet.pk]), editor_post(rows), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="rf-5" hx-swap-oob="innerHTML"' in html
    row5 = html.split('id="rf-5"')[1].split('id="rf-6"')[0]
    assert "reasonableness.rate-over-100" in row5
    # Nothing was written: the live check only reads.
    with scopes_disabled():
        assert GoalSheet.objects.get(pk=sheet.pk).indicators.get(position=5).value == "98"


def test_check_refuses_garbage_without_a_500(world: World, sheet: GoalSheet, client_for: Any) -> None:
    response = client_for("unit_a_editor").post(
        reverse("goals:sheet_check", args=[sheet.pk]), {"goal": "x", "fund_general_public": "十万"}
    )
    assert response.status_code == 200 and "alert-danger" in response.content.decode()


def test_walk_through_the_workflow_in_the_browser_pages(world: World, sheet: GoalSheet, client_for: Any) -> None:
    url = reverse("goals:sheet_transition", args=[sheet.pk])
    assert client_for("unit_a_editor").post(url, {"action": "submit"}).status_code == 302
    leader_queue = client_for("unit_a_leader").get(reverse("goals:queue")).content.decode()
    assert world.project_a.name in leader_queue
    assert client_for("unit_a_leader").post(url, {"action": "leader_approve"}).status_code == 302
    detail = client_for("section").get(reverse("goals:sheet_detail", args=[sheet.pk])).content.decode()
    assert 'data-action="section_return"' in detail and 'data-action="section_approve"' in detail
    client_for("section").post(
        url, {"action": "section_return", "reason": "成本依据不足", "comment_4": "请写明测算依据"}
    )
    with scopes_disabled():
        fresh = GoalSheet.objects.get(pk=sheet.pk)
    assert fresh.status == State.RETURNED
    page = client_for("unit_a_editor").get(reverse("goals:sheet_detail", args=[sheet.pk])).content.decode()
    assert "请写明测算依据" in page and "成本依据不足" in page


def test_a_reviewer_cannot_act_out_of_turn(world: World, sheet: GoalSheet, client_for: Any) -> None:
    url = reverse("goals:sheet_transition", args=[sheet.pk])
    assert client_for("office").post(url, {"action": "office_approve", "grade": "优"}).status_code == 302
    with scopes_disabled():
        assert GoalSheet.objects.get(pk=sheet.pk).status == State.DRAFT
    assert client_for("auditor").post(url, {"action": "submit"}).status_code == 403


def test_list_filters_and_isolation(world: World, sheet: GoalSheet, client_for: Any) -> None:
    rows = sound_rows()
    rows[7].value = "100"
    from jixiao.goals import services

    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=sheet, goal=GOAL, rows=rows)
    office = client_for("office")
    listed = office.get(reverse("goals:sheet_list"), {"family": "reasonableness"}).content.decode()
    assert world.project_a.name in listed
    none = office.get(reverse("goals:sheet_list"), {"family": "consistency", "severity": "error"}).content.decode()
    assert world.project_a.name not in none
    other = client_for("unit_b_editor").get(reverse("goals:sheet_list")).content.decode()
    assert world.project_a.name not in other
    assert client_for("unit_b_editor").get(reverse("goals:sheet_detail", args=[sheet.pk])).status_code == 404


def test_template_download_and_import_round_trip(world: World, sheet: GoalSheet, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    response = client.get(reverse("goals:template"), {"unit": world.unit_a.pk})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 2  # the guide and the project
    sheets, issues = goal_excel.read_workbook(response.content, file="模板.xlsx")
    assert issues == [] and sheets[0]["project"]["code"] == world.project_a.code
    sheets[0]["indicators"][0]["value"] = "13000"
    upload = io.BytesIO(goal_excel.write_workbook(sheets))
    upload.name = "填好的模板.xlsx"
    preview = client.post(reverse("goals:import"), {"file": upload})
    html = preview.content.decode()
    assert 'id="import-preview"' in html, html[:3000]
    token = preview.context["token"]
    done = client.post(reverse("goals:import_commit"), {"token": token})
    assert done.status_code == 302
    with scopes_disabled():
        assert GoalSheet.objects.get(pk=sheet.pk).indicators.get(position=0).value == "13000"
    assert AuditEntry.objects.filter(action="goals.sheets.imported").count() == 1


def test_import_of_a_foreign_project_changes_nothing(world: World, sheet: GoalSheet, client_for: Any) -> None:
    sheets, _ = goal_excel.read_workbook(
        client_for("unit_a_editor").get(reverse("goals:template"), {"unit": world.unit_a.pk}).content, file="t.xlsx"
    )
    upload = io.BytesIO(goal_excel.write_workbook(sheets))
    upload.name = "别人的.xlsx"
    response = client_for("unit_b_editor").post(reverse("goals:import"), {"file": upload})
    html = response.content.decode()
    assert 'id="import-errors"' in html and "预算单位编码" in html
    assert AuditEntry.objects.filter(action="goals.sheets.imported").count() == 0


def test_batch_review_runs_and_reports_progress(world: World, sheet: GoalSheet, client_for: Any) -> None:
    office = client_for("office")
    assert office.post(reverse("goals:batch_start")).status_code == 302
    with scopes_disabled():
        run = ReviewRun.objects.get()
    assert run.status == "queued" and run.total == 1
    batch.review_year.call(run.pk)
    with scopes_disabled():
        run.refresh_from_db()
    assert run.status == "done" and run.done == 1 and run.rules_version
    page = office.get(reverse("goals:batch_status", args=[run.pk])).content.decode()
    assert "已完成" in page and "hx-trigger" not in page


def test_office_saves_a_new_rule_version(world: World, sheet: GoalSheet, client_for: Any) -> None:
    office = client_for("office")
    page = office.get(reverse("goals:rules"))
    assert page.status_code == 200
    form: dict[str, Any] = {"note": "满意度指标一律提示"}
    for key, value, _ in page.context["thresholds"]:
        form[f"t_{key}"] = str(value) if not isinstance(value, (list, dict)) else ""
    for key, words in page.context["lexicons"]:
        form[f"l_{key}"] = words
    for code, severity, _ in page.context["severities"]:
        form[f"s_{code}"] = severity
    form["s_completeness.missing-satisfaction"] = "off"
    assert office.post(reverse("goals:rules"), form).status_code == 302
    with scopes_disabled():
        saved = RuleSet.objects.get()
    assert saved.version == "430212-2026.1"
    assert client_for("section").post(reverse("goals:rules"), form).status_code == 403
    # Findings made from now on carry the new version.
    client_for("unit_a_editor").post(reverse("goals:sheet_rereview", args=[sheet.pk]))
    with scopes_disabled():
        assert GoalSheet.objects.get(pk=sheet.pk).rules_version == "430212-2026.1"


def test_approved_project_is_fundable_in_the_api(world: World, sheet: GoalSheet, client_for: Any) -> None:
    client = client_for("office")
    before = client.get(f"/api/v1/projects?unit_code={world.unit_a.code}").json()["items"]
    assert [(p["goal_status"], p["fundable"]) for p in before] == [("draft", False)]
    move(world, sheet, *TO_APPROVED)
    after = client.get(f"/api/v1/projects?unit_code={world.unit_a.code}").json()["items"]
    assert [(p["goal_status"], p["fundable"]) for p in after] == [("approved", True)]


def test_last_years_sheet_stands_beside_the_editor(world: World, sheet: GoalSheet, client_for: Any) -> None:
    from jixiao.goals import services
    from tests.factories import FiscalYearFactory, ProjectFactory

    with scopes_disabled():
        before = ProjectFactory(
            fiscal_year=FiscalYearFactory(region=world.region, year=2025),
            unit=world.unit_a,
            code=world.project_a.code,
            name=world.project_a.name,
            category=world.project_a.category,
            start_year=2025,
            end_year=2025,
        )
    old = services.sheet_create_for_project(actor=world.actors["unit_a_editor"], project=before)
    rows = sound_rows()
    rows[0].value = "11800"
    services.sheet_save(actor=world.actors["unit_a_editor"], sheet=old, goal=GOAL, rows=rows)
    page = client_for("unit_a_editor").get(reverse("goals:sheet_edit", args=[sheet.pk])).content.decode()
    panel = page.split('id="last-year"')[1]
    assert "2025 年" in panel and "≥11800人" in panel
