import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from jixiao.audit.models import AuditEntry
from jixiao.budget.models import Project
from jixiao.org.models import FiscalYear
from jixiao.results import selectors, services
from jixiao.results.models import LinkageRules, Recommendation, Status
from jixiao.results.todos import recommendations_waiting
from tests.conftest import World
from tests.factories import ProjectFactory
from tests.results.conftest import open_rectification, rated_key_evaluation, recommendation_of

RESULTS_VIEW = ["office", "section", "unit_a_editor", "unit_a_leader", "unit_b_editor", "auditor"]
# Who sees which of the 2027 recommendations (drafted from A001, A002 of unit A and its
# sub-unit, and B001 of unit B).
SEES = {
    "office": {"A001", "A002", "B001"},
    "auditor": {"A001", "A002", "B001"},
    "section": {"A001", "A002"},
    "unit_a_leader": {"A001", "A002"},
    "unit_a_editor": {"A001"},
    "unit_b_editor": {"B001"},
}
ALL = {"A001", "A002", "B001"}


def entries(action: str) -> int:
    with scopes_disabled():
        return AuditEntry.objects.filter(action=action).count()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def listed_codes(response: Any) -> set[str]:
    return {r.code for r in response.context["page"]}


@pytest.fixture
def keyed(world: World, next_year: FiscalYear) -> dict[str, int]:
    """A001 rated 中 by a key evaluation, with an open rectification; then drafted."""
    rated_key_evaluation(world, grade="中", total="75.50")
    open_rectification(world)
    return services.draft(actor=world.actors["office"], budget_year=next_year)


# --- list ------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", RESULTS_VIEW)
def test_list_shows_only_the_recommendations_within_reach(client_in: Any, drafted: Any, actor: str) -> None:
    response = client_in(actor).get(reverse("results:list"))
    assert response.status_code == 200
    assert listed_codes(response) == SEES[actor]
    assert not listed_codes(response) & (ALL - SEES[actor])
    assert "2027 年度预算安排建议" in response.content.decode()


@pytest.mark.parametrize(("actor", "status"), [("agency", 403), ("sysadmin", 403), ("anonymous", 302)])
def test_list_is_closed_to_others(client_in: Any, drafted: Any, actor: str, status: int) -> None:
    assert client_in(actor).get(reverse("results:list")).status_code == status


def test_list_counts_totals_and_filters(client_in: Any, keyed: Any, world: World) -> None:
    services.accept(actor=world.actors["section"], recommendation=recommendation_of("A002"))
    client = client_in("office")
    response = client.get(reverse("results:list"))
    page = response.content.decode()
    counts = response.context["counts"]
    assert counts["total"] == 3 and counts["conditional"] == 1
    assert ("reduce", "压减", 1) in counts["actions"] and ("none", "无评价结果，按常规审核", 2) in counts["actions"]
    assert ("draft", "待财政确认", 2) in counts["statuses"] and ("accepted", "已采纳", 1) in counts["statuses"]
    # Three projects of 100 万元 last year; A001 cut by 10%; A002 accepted at 100 万元.
    assert "上年预算数合计 <strong>300.00</strong> 万元" in page
    assert "建议安排 <strong>290.00</strong> 万元" in page
    assert "财政已确定 <strong>100.00</strong> 万元" in page
    assert reverse("budget:project_detail", args=[world.project_a.pk]) in page
    assert "生成/更新建议" in page and "已采纳或调整的建议保留不变" in page
    assert listed_codes(client.get(reverse("results:list"), {"action": "reduce"})) == {"A001"}
    assert listed_codes(client.get(reverse("results:list"), {"action": "conditional"})) == {"A001"}
    assert listed_codes(client.get(reverse("results:list"), {"status": "accepted"})) == {"A002"}
    assert listed_codes(client.get(reverse("results:list"), {"unit": world.unit_b.pk})) == {"B001"}
    assert listed_codes(client.get(reverse("results:list"), {"q": "校舍"})) == {"A002"}
    assert listed_codes(client.get(reverse("results:list"), {"status": "bogus", "action": "x"})) == ALL
    filtered = client.get(reverse("results:list"), {"status": "draft"})
    assert "建议安排 <strong>190.00</strong> 万元" in filtered.content.decode()


def test_only_the_office_sees_the_draft_button(client_in: Any, drafted: Any) -> None:
    assert "生成/更新建议" in client_in("office").get(reverse("results:list")).content.decode()
    assert "生成/更新建议" not in client_in("section").get(reverse("results:list")).content.decode()


def test_list_queries_do_not_grow_with_rows(client_in: Any, world: World, next_year: FiscalYear) -> None:
    client = client_in("office")
    services.draft(actor=world.actors["office"], budget_year=next_year)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("results:list")).status_code == 200
    with scopes_disabled():
        category = Project.objects.get(pk=world.project_a.pk).category
        for _ in range(6):
            ProjectFactory(fiscal_year=world.fiscal_year, unit=world.unit_b, category=category)
    services.draft(actor=world.actors["office"], budget_year=next_year)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("results:list"))
    assert len(response.context["page"]) == 9
    assert len(many) == len(few)


# --- draft -----------------------------------------------------------------------------------


def test_office_drafts_for_the_context_year(client_in: Any, world: World, next_year: FiscalYear) -> None:
    response = client_in("office").post(reverse("results:draft"), follow=True)
    assert response.redirect_chain == [(f"{reverse('results:list')}?year=2027", 302)]
    assert "新增 3 条，更新 0 条，财政已确认而保留 0 条" in messages_of(response)[0]
    with scopes_disabled():
        assert Recommendation.objects.filter(budget_year=next_year).count() == 3
    again = client_in("office").post(reverse("results:draft"), follow=True)
    assert "新增 0 条，更新 3 条" in messages_of(again)[0]


def test_working_in_this_year_the_page_prepares_next_years_budget(
    client_in: Any, world: World, next_year: FiscalYear, drafted: dict[str, int]
) -> None:
    # In 2026 the bureau prepares 2027's budget: that is the page's year unless another is chosen.
    page = client_in("office", year=2026).get(reverse("results:list"))
    assert "2027 年度预算建议" in page.content.decode() and listed_codes(page) == {"A001", "A002", "B001"}
    chosen = client_in("office", year=2026).get(reverse("results:list"), {"year": "2026"})
    assert "2026 年度预算建议" in chosen.content.decode() and listed_codes(chosen) == set()
    response = client_in("office", year=2026).post(reverse("results:draft"), {"year": "2027"})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")


def test_drafting_a_year_without_last_years_projects_says_why(client_in: Any, world: World) -> None:
    response = client_in("office", year=2026).post(reverse("results:draft"))
    assert response.status_code == 400
    assert messages_of(response) == ["2025 年度没有项目，无法生成 2026 年度的结果应用建议"]
    with scopes_disabled():
        assert not Recommendation.objects.exists()


@pytest.mark.parametrize("actor", ["section", "auditor", "unit_a_editor"])
def test_only_the_office_may_draft(client_in: Any, next_year: FiscalYear, actor: str) -> None:
    assert client_in(actor).post(reverse("results:draft")).status_code == 403
    with scopes_disabled():
        assert not Recommendation.objects.exists()


def test_draft_is_post_only(client_in: Any, next_year: FiscalYear) -> None:
    assert client_in("office").get(reverse("results:draft")).status_code == 405


# --- detail ----------------------------------------------------------------------------------


def test_detail_explains_with_linked_reasons(client_in: Any, keyed: Any, world: World) -> None:
    rec = recommendation_of("A001")
    response = client_in("office").get(reverse("results:detail", args=[rec.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "建议压减10%（整改完成后安排），安排90.00万元：依据2026年度财政重点评价 75.50分「中」" in page
    assert "default-2026.1" in page
    reasons = response.context["reasons"]
    assert [(r.kind, r.decisive) for r in reasons] == [("财政重点评价", True), ("整改", True)]
    with scopes_disabled():
        key = world.project_a.key_evaluations.get()
        item = world.project_a.rectifications.get()
    assert reasons[0].url == reverse("keyeval:evaluation_detail", args=[key.pk])
    assert reasons[1].url == reverse("rectification:item_detail", args=[item.pk])
    assert f'href="{reasons[0].url}"' in page
    assert "起决定作用" in page and 'id="accept-form"' in page and 'id="override-form"' in page


def test_a_reason_links_only_where_the_actor_may_look(world: World, keyed: Any) -> None:
    rec = recommendation_of("A001")

    class Reader:
        """Someone who may read results but not key evaluations or rectification."""

        is_authenticated = is_active = True
        permissions = frozenset({"results.view"})

    assert [r.url for r in selectors.reasons_for(actor=Reader(), recommendation=rec)] == ["", ""]
    assert all(r.url for r in selectors.reasons_for(actor=world.actors["auditor"], recommendation=rec))


@pytest.mark.parametrize(("actor", "status"), [("unit_b_editor", 404), ("section", 404), ("office", 200)])
def test_detail_of_another_units_recommendation_is_not_found(
    client_in: Any, drafted: Any, actor: str, status: int
) -> None:
    rec = recommendation_of("B001") if actor == "section" else recommendation_of("A001")
    assert client_in(actor).get(reverse("results:detail", args=[rec.pk])).status_code == status


def test_auditor_and_units_see_the_detail_without_decision_forms(client_in: Any, drafted: Any) -> None:
    rec = recommendation_of("A001")
    for actor in ("auditor", "unit_a_editor"):
        response = client_in(actor).get(reverse("results:detail", args=[rec.pk]))
        assert response.status_code == 200
        assert 'id="accept-form"' not in response.content.decode()
        assert 'id="override-form"' not in response.content.decode()


# --- accept and override ---------------------------------------------------------------------


def test_section_accepts(client_in: Any, drafted: Any, world: World) -> None:
    rec = recommendation_of("A001")
    response = client_in("section").post(reverse("results:accept", args=[rec.pk]), follow=True)
    assert response.redirect_chain == [(reverse("results:detail", args=[rec.pk]), 302)]
    assert messages_of(response) == ["已采纳建议：无评价结果，按常规审核，安排 100.00 万元"]
    rec = recommendation_of("A001")
    assert (rec.status, rec.final_amount, rec.decided_by) == (
        Status.ACCEPTED,
        Decimal("1000000.00"),
        world.actors["section"],
    )
    assert entries("results.accepted") == 1
    page = response.content.decode()
    assert 'id="decision-made"' in page and "已采纳" in page and 'id="accept-form"' not in page
    again = client_in("office").post(reverse("results:accept", args=[rec.pk]))
    assert again.status_code == 400 and "如需改变请调整并说明理由" in messages_of(again)[0]
    assert entries("results.accepted") == 1


@pytest.mark.parametrize(("actor", "status"), [("auditor", 403), ("unit_a_editor", 403), ("unit_b_editor", 403)])
def test_only_finance_posts_decisions(client_in: Any, drafted: Any, actor: str, status: int) -> None:
    rec = recommendation_of("A001")
    client = client_in(actor)
    assert client.post(reverse("results:accept", args=[rec.pk])).status_code == status
    data = {"action": "keep", "amount": "100", "note": "理由"}
    assert client.post(reverse("results:override", args=[rec.pk]), data).status_code == status
    assert recommendation_of("A001").status == Status.DRAFT
    assert entries("results.accepted") + entries("results.overridden") == 0


def test_section_cannot_decide_another_sections_unit(client_in: Any, drafted: Any) -> None:
    rec = recommendation_of("B001")
    assert client_in("section").post(reverse("results:accept", args=[rec.pk])).status_code == 404
    assert recommendation_of("B001").status == Status.DRAFT


def test_override_in_wan_yuan(client_in: Any, drafted: Any, world: World) -> None:
    rec = recommendation_of("A001")
    data = {"action": "reduce", "amount": "\uff18\uff15.\uff15", "note": "执行率偏低，按县政府常务会议意见压减"}
    response = client_in("office").post(reverse("results:override", args=[rec.pk]), data, follow=True)
    assert response.redirect_chain == [(reverse("results:detail", args=[rec.pk]), 302)]
    assert messages_of(response) == ["已调整为：压减，安排 85.50 万元"]
    rec = recommendation_of("A001")
    assert (rec.status, rec.final_action, rec.final_amount) == (Status.OVERRIDDEN, "reduce", Decimal("855000.00"))
    assert entries("results.overridden") == 1
    page = response.content.decode()
    assert "理由：执行率偏低，按县政府常务会议意见压减" in page and "office" in page


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"amount": "八十五"}, "安排数「八十五」不是数字，请以万元填写"),
        ({"amount": ""}, "请填写安排数（万元）"),
        ({"amount": "-5"}, "安排数应在 0 至"),
        ({"amount": "1e3"}, "不是数字"),
        ({"amount": "85.1234567"}, "精确到分"),
        ({"note": ""}, "请说明调整理由"),
        ({"action": "double"}, "财政意见应为"),
    ],
)
def test_a_bad_override_says_why_and_changes_nothing(
    client_in: Any, drafted: Any, data: dict[str, str], words: str
) -> None:
    rec = recommendation_of("A001")
    posted = {"action": "reduce", "amount": "85", "note": "理由"} | data
    response = client_in("office").post(reverse("results:override", args=[rec.pk]), posted)
    assert response.status_code == 400
    assert words in messages_of(response)[0]
    if posted["note"]:
        assert posted["note"] in response.content.decode()  # the form keeps what was typed
    rec = recommendation_of("A001")
    assert (rec.status, rec.final_action, rec.final_amount) == (Status.DRAFT, "", None)
    assert entries("results.overridden") == 0


# --- rules -----------------------------------------------------------------------------------


def rules_form(**changes: str) -> dict[str, str]:
    data = {
        "action_优": "priority",
        "cut_优": "0",
        "action_良": "keep",
        "cut_良": "0",
        "action_中": "reduce",
        "cut_中": "10",
        "action_差": "cut",
        "cut_差": "50",
        "unrectified": "after",
        "stop_decision_cut": "100",
        "prefer": "key",
        "note": "",
    }
    return data | changes


@pytest.mark.parametrize("actor", RESULTS_VIEW)
def test_everyone_with_results_view_reads_the_rules(client_in: Any, world: World, actor: str) -> None:
    response = client_in(actor).get(reverse("results:rules"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "default-2026.1" in page and 'name="cut_中" value="10"' in page
    assert ("保存为新版本" in page) == (actor == "office")


def test_office_saves_a_new_version(client_in: Any, world: World) -> None:
    data = rules_form(**{"cut_中": "\uff12\uff10\uff05", "note": "按县政府常务会议纪要调整"})
    response = client_in("office").post(reverse("results:rules"), data, follow=True)
    assert response.redirect_chain == [(reverse("results:rules"), 302)]
    assert messages_of(response) == ["已保存结果应用规则 430212-r1，此后生成或更新的建议将按该版本。"]
    assert selectors.rules_in_force(world.region).rules["中"].cut == Decimal(20)
    page = response.content.decode()
    assert "430212-r1" in page and "按县政府常务会议纪要调整" in page and "压减 20%" in page
    assert entries("results.rules.saved") == 1


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"cut_中": "150"}, "结果应用规则「rules.中.cut」的值「150」应为 0 到 100 的数字"),
        ({"cut_差": "一半"}, "不是数字"),
        ({"action_良": "double"}, "无效"),
        ({"prefer": ""}, "prefer"),
        ({"note": "长" * 201}, "修改说明不超过 200 字"),
    ],
)
def test_bad_rules_say_why_in_chinese_and_save_nothing(
    client_in: Any, world: World, changes: dict[str, str], words: str
) -> None:
    response = client_in("office").post(reverse("results:rules"), rules_form(**changes))
    assert response.status_code == 400
    assert words in messages_of(response)[0]
    with scopes_disabled():
        assert not LinkageRules.objects.exists()
    assert entries("results.rules.saved") == 0


@pytest.mark.parametrize("actor", ["auditor", "section", "unit_a_editor"])
def test_only_the_office_posts_rules(client_in: Any, world: World, actor: str) -> None:
    assert client_in(actor).post(reverse("results:rules"), rules_form(**{"cut_中": "20"})).status_code == 403
    with scopes_disabled():
        assert not LinkageRules.objects.exists()


# --- export ----------------------------------------------------------------------------------


def sheet_of(response: Any) -> Any:
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize("actor", ["office", "unit_a_editor", "unit_b_editor"])
def test_export_holds_the_rows_within_reach(client_in: Any, keyed: Any, actor: str) -> None:
    response = client_in(actor).get(reverse("results:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = sheet_of(response)
    assert sheet["A1"].value == "株洲市渌口区2027年度预算绩效评价结果应用建议表"
    assert sheet["D3"].value == "项目代码"
    codes = {row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] != "合计"}
    assert codes == SEES[actor]


def test_export_follows_the_filters_in_wan_yuan(client_in: Any, keyed: Any) -> None:
    sheet = sheet_of(client_in("office").get(reverse("results:export"), {"action": "reduce"}))
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[3] for r in rows] == ["A001", None]  # the row, then the totals row
    row = rows[0]
    assert (row[5], row[7], row[8], row[9], row[10]) == (100, "压减（整改完成后安排）", 10, 90, "是")
    assert "★2026年度财政重点评价 75.50分「中」" in row[15] and "整改未完成" in row[15]
    assert rows[1][0] == "合计" and rows[1][9] == 90


@pytest.mark.parametrize(("actor", "status"), [("agency", 403), ("anonymous", 302)])
def test_export_is_closed_to_others(client_in: Any, drafted: Any, actor: str, status: int) -> None:
    assert client_in(actor).get(reverse("results:export")).status_code == status


# --- the project card and the to-do list -----------------------------------------------------


def test_project_card_shows_the_recommendation(world: World, keyed: Any) -> None:
    with scopes_disabled():
        project = Project.objects.select_related("fiscal_year").get(pk=world.project_a.pk)
        html = render_to_string(
            "results/_project_card.html",
            {"recommendations": selectors.for_project(project), "user": world.actors["office"]},
        )
    rec = recommendation_of("A001")
    assert "结果应用" in html and "2027 年度" in html and "压减（整改完成后安排）" in html
    assert "建议安排 90.00 万元" in html and "待财政确认" in html and "2026年度财政重点评价" in html
    assert reverse("results:detail", args=[rec.pk]) in html
    empty = render_to_string("results/_project_card.html", {"recommendations": [], "user": world.actors["office"]})
    assert "尚无结果应用建议" in empty


def test_finance_is_reminded_of_drafts(client_in: Any, drafted: Any, world: World) -> None:
    client = client_in("section")
    response = client.get(reverse("results:list"))
    ctx = response.wsgi_request.jx  # type: ignore[attr-defined]
    assert [(t.title, t.count) for t in recommendations_waiting(world.actors["section"], ctx)] == [
        ("待确认的 2027 年度结果应用建议", 2)
    ]
    assert recommendations_waiting(world.actors["auditor"], ctx) == []
    # Working in 2026, finance is reminded of the 2027 drafts it prepares the budget with.
    this_year = client_in("section", year=2026).get(reverse("results:list")).wsgi_request.jx  # type: ignore[attr-defined]
    (todo,) = recommendations_waiting(world.actors["section"], this_year)
    assert (todo.title, todo.count, todo.url) == (
        "待确认的 2027 年度结果应用建议",
        2,
        f"{reverse('results:list')}?year=2027&status=draft",
    )


def test_accept_all_adopts_what_the_filter_shows(client_in: Any, world: World, drafted: Any) -> None:
    client = client_in("office")
    page = client.get(reverse("results:list"), {"unit": world.unit_b.pk}).content.decode()
    assert "采纳当前筛选的 1 条待确认建议" in page
    response = client.post(f"{reverse('results:accept_all')}?year=2027&unit={world.unit_b.pk}", follow=True)
    assert messages_of(response) == ["已采纳 1 条建议"]
    assert response.redirect_chain[-1][0].endswith(f"?year=2027&unit={world.unit_b.pk}")
    with scopes_disabled():
        assert dict(Recommendation.objects.values_list("code", "status")) == {
            "A001": "draft",
            "A002": "draft",
            "B001": "accepted",
        }
    assert client_in("auditor").post(reverse("results:accept_all")).status_code == 403
