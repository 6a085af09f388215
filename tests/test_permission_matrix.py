"""Every page and every API operation, for every actor: what the permission table says.

A route that is not in the matrix fails ``test_every_route_is_in_the_matrix``: each new page or
endpoint must say here who gets 200, who gets 403 (no permission) and who gets 404 (the object
is outside their reach: another unit, another region, someone else's token).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jixiao.accounts.models import ApiToken
from jixiao.accounts.services import token_create
from jixiao.api.api import api
from jixiao.library.models import LibraryIndicator
from jixiao.org.models import FiscalYear
from tests.conftest import ACTOR_NAMES, World
from tests.factories import SectionFactory, UserFactory

LOGGED_IN = [a for a in ACTOR_NAMES if a != "anonymous"]
ORG_VIEW = ["office", "section", "unit_a_editor", "unit_a_leader", "unit_b_editor", "auditor", "sysadmin"]
BUDGET_VIEW = ["office", "section", "unit_a_editor", "unit_a_leader", "unit_b_editor", "auditor"]
LIBRARY_VIEW = [*BUDGET_VIEW, "agency"]
PROPOSERS = ["unit_a_editor", "unit_a_leader", "unit_b_editor"]
GOALS_VIEW = BUDGET_VIEW
GOAL_EDITORS = ["unit_a_editor", "unit_b_editor"]
MONITORING_VIEW = BUDGET_VIEW
MONITORING_EDITORS = GOAL_EDITORS
DECIDERS = ["office", "section"]
EVALUATION_VIEW = BUDGET_VIEW
EVALUATION_EDITORS = GOAL_EDITORS
EVALUATION_REVIEWERS = ["office", "section"]
RECTIFICATION_VIEW = BUDGET_VIEW
RECTIFIERS = ["office", "section"]
KEYEVAL_VIEW = [*BUDGET_VIEW, "agency"]
KEYEVAL_AGENCIES = ["office", "section", "auditor"]
RESULTS_VIEW = BUDGET_VIEW
RESULTS_DECIDERS = ["office", "section"]
PLAN_MONTHS = ["0"] * 7 + ["50000", "100000", "250000", "250000", "350000"]


def expect(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(ACTOR_NAMES, default)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


def allowed(
    actors: list[str], ok: int = 200, anonymous: int = 302, denied: int = 403, **overrides: int
) -> dict[str, int]:
    table = expect(denied, anonymous=anonymous)
    table.update(dict.fromkeys(actors, ok))
    table.update(overrides)
    return table


MONITORING_API_VIEW = allowed(MONITORING_VIEW, anonymous=401)


@dataclass
class Case:
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    data: Callable[[World, str], Any] | None = None
    json: bool = False
    notes: str = ""
    variants: list["Case"] = field(default_factory=list)


def csv_upload(world: World, actor: str) -> dict[str, Any]:
    data = "单位编码,单位名称,单位类型\n105,株洲市渌口区教育局,行政\n".encode()
    return {"file": io.BytesIO(data), "name": "units.csv"}


def budget_upload(world: World, actor: str) -> dict[str, Any]:
    data = "单位编码,基本支出,项目支出\n105,1000000,2000000\n".encode()
    return {"file": io.BytesIO(data), "name": "budgets.csv", "extra": {"kind": "unit_budgets", "year": "2026"}}


def approved_indicator(world: World) -> Any:
    return LibraryIndicator.objects.with_scopes_disabled().get(region=world.region, code="C27-001")


def proposal(world: World) -> Any:
    from jixiao.library.services import indicator_propose

    return indicator_propose(
        actor=world.actors["unit_a_editor"],
        region=world.region,
        fields={
            "name": "校园食堂明厨亮灶覆盖率",
            "level1": "产出指标",
            "level2": "质量指标",
            "definition": "指标解释：实现明厨亮灶的学校食堂数 ÷ 学校食堂总数 乘以 100%。",
            "direction": "positive",
            "measure_unit": "%",
            "basis": "计划标准",
            "categories": ["C13"],
        },
    )


def goal_sheet(world: World) -> Any:
    """Unit A's project sheet (made once per world)."""
    from jixiao.goals.models import GoalSheet
    from jixiao.goals.services import sheet_create_for_project

    existing = GoalSheet.objects.with_scopes_disabled().filter(project=world.project_a).first()
    return existing or sheet_create_for_project(actor=world.actors["unit_a_editor"], project=world.project_a)


def review_run(world: World) -> Any:
    from jixiao.goals.models import ReviewRun

    return ReviewRun.objects.with_scopes_disabled().create(
        region=world.region, fiscal_year=world.fiscal_year, started_by=world.actors["office"], status="done"
    )


def sound_sheet_json(world: World, actor: str) -> Any:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).resolve().parents[1] / "docs/formats/examples/goal-sound.json").read_text())


def monitoring_round(world: World) -> Any:
    """A January–August round over unit A's approved, lagging project (made once per world)."""
    from django_scopes import scopes_disabled

    from jixiao.monitoring.models import Round
    from tests.monitoring.conftest import approve_sheet, open_round, pay

    with scopes_disabled():
        existing = Round.objects.filter(region=world.region).first()
    if existing is not None:
        return existing
    approve_sheet(world)
    pay(world, world.project_a, {3: "50000", 6: "150000"})
    return open_round(world, kind="key", scope="list", project_ids=[world.project_a.pk])


def monitoring_report(world: World) -> Any:
    from tests.monitoring.conftest import report_of

    return report_of(monitoring_round(world))


def monitoring_decision(world: World) -> Any:
    from django_scopes import scopes_disabled

    from jixiao.monitoring.models import Decision
    from jixiao.monitoring.services import decision_make

    report = monitoring_report(world)
    with scopes_disabled():
        existing = Decision.objects.filter(report=report).first()
    return existing or decision_make(
        actor=world.actors["office"], report=report, kind="correct", reason="限期纠偏", working_days=10
    )


def monitoring_attachment(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from jixiao.monitoring.models import Attachment
    from jixiao.monitoring.services import attachment_add

    report = monitoring_report(world)
    with scopes_disabled():
        existing = Attachment.objects.filter(report=report).first()
    upload = SimpleUploadedFile("核查记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    return existing or attachment_add(actor=world.actors["unit_a_editor"], report=report, upload=upload)


def other_region_round(world: World) -> Any:
    from jixiao.monitoring.models import Round

    year = FiscalYear.objects.with_scopes_disabled().get(region=world.other_region, year=2026)
    return Round.objects.with_scopes_disabled().create(
        region=world.other_region,
        fiscal_year=year,
        title="天元区监控",
        month=8,
        deadline="2026-09-15",
        rules_version="default-2026.1",
        rules={},
        created_by=world.actors["office"],
    )


def monitoring_holiday(world: World) -> Any:
    from jixiao.monitoring.models import Holiday

    return Holiday.objects.with_scopes_disabled().get_or_create(
        region=world.region, date="2026-11-02", defaults={"name": "地方假日"}
    )[0]


def evaluation_round(world: World) -> Any:
    """A self-evaluation round over unit A's approved project (made once per world)."""
    from django_scopes import scopes_disabled

    from jixiao.evaluation.models import Round
    from tests.evaluation.conftest import open_round
    from tests.monitoring.conftest import approve_sheet, pay

    with scopes_disabled():
        existing = Round.objects.filter(region=world.region).first()
    if existing is not None:
        return existing
    approve_sheet(world)
    pay(world, world.project_a, {3: "200000", 6: "300000", 9: "250000", 12: "200000"})
    return open_round(world)


def evaluation_form(world: World) -> Any:
    """Unit A's self-evaluation form in that round, in draft."""
    from tests.evaluation.conftest import form_of

    return form_of(evaluation_round(world))


def evaluation_received(world: World) -> Any:
    """Unit A's form filled in and sent up to finance (待财政审核)."""
    from jixiao.evaluation.services import form_transition
    from tests.evaluation.conftest import fill

    form = evaluation_form(world)
    if form.status == "submitted":
        return form
    form = fill(world, form)
    form = form_transition(actor=world.actors["unit_a_editor"], form=form, action="submit")
    return form_transition(actor=world.actors["unit_a_leader"], form=form, action="leader_approve")


def evaluation_evidence(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from jixiao.evaluation.models import Evidence
    from jixiao.evaluation.services import evidence_add

    form = evaluation_form(world)
    with scopes_disabled():
        existing = Evidence.objects.filter(form=form).first()
    upload = SimpleUploadedFile("学籍统计.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    return existing or evidence_add(actor=world.actors["unit_a_editor"], form=form, upload=upload, position=0)


def other_region_evaluation_round(world: World) -> Any:
    from jixiao.evaluation.models import Round

    year = FiscalYear.objects.with_scopes_disabled().get(region=world.other_region, year=2026)
    return Round.objects.with_scopes_disabled().create(
        region=world.other_region,
        fiscal_year=year,
        title="天元区自评",
        deadline="2027-04-30",
        rules_version="default-2026.1",
        rules={},
        created_by=world.actors["office"],
    )


def rectification_item(world: World) -> Any:
    """An item the office raised on unit A's self-evaluation form (made once per world)."""
    import datetime as dt

    from django.utils import timezone
    from django_scopes import scopes_disabled

    from jixiao.rectification.models import Item
    from jixiao.rectification.services import item_raise

    with scopes_disabled():
        existing = Item.objects.filter(unit=world.unit_a).first()
    return existing or item_raise(
        actor=world.actors["office"],
        selfeval=evaluation_form(world),
        problem="满意度样本不足",
        requirement="重新调查",
        due=timezone.localdate() + dt.timedelta(days=30),
    )


def rectification_evidence(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from jixiao.rectification.models import Evidence
    from jixiao.rectification.services import evidence_add

    item = rectification_item(world)
    with scopes_disabled():
        existing = Evidence.objects.filter(item=item).first()
    upload = SimpleUploadedFile("问卷汇总.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    return existing or evidence_add(actor=world.actors["unit_a_editor"], item=item, upload=upload)


def keyeval_agency(world: World) -> Any:
    """The region's agency, with the world's agency user as its member (made once per world)."""
    from django_scopes import scopes_disabled

    from jixiao.keyeval.models import Agency
    from tests.keyeval.conftest import make_agency

    with scopes_disabled():
        existing = Agency.objects.filter(region=world.region).first()
    return existing or make_agency(world)


def keyeval_evaluation(world: World, project: Any = None) -> Any:
    """A key evaluation of unit A's project (or ``project``) assigned to that agency, whose member
    has declared no conflict: under way (made once per world and project)."""
    from django_scopes import scopes_disabled

    from jixiao.keyeval.models import Evaluation
    from jixiao.keyeval.services import declare
    from tests.keyeval.conftest import assign, select

    project = project or world.project_a
    with scopes_disabled():
        existing = Evaluation.objects.filter(project=project).first()
    if existing is not None:
        return existing
    evaluation = assign(world, select(world, project), keyeval_agency(world))
    declare(actor=world.actors["agency"], evaluation=evaluation, conflict=False)
    with scopes_disabled():
        return Evaluation.objects.get(pk=evaluation.pk)


def keyeval_evidence(world: World) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from jixiao.keyeval.models import Evidence
    from jixiao.keyeval.services import evidence_add

    evaluation = keyeval_evaluation(world)
    with scopes_disabled():
        existing = Evidence.objects.filter(evaluation=evaluation).first()
    upload = SimpleUploadedFile("访谈记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    return existing or evidence_add(actor=world.actors["agency"], evaluation=evaluation, upload=upload)


def keyeval_reported(world: World) -> Any:
    """A key evaluation of the first middle school's project (unit A's sub-unit) with its report
    submitted: unit A's editor reaches only unit A, its leader the sub-units too."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_scopes import scopes_disabled

    from jixiao.keyeval import services
    from jixiao.keyeval.models import Evaluation, Status
    from tests.keyeval.conftest import scored_rows

    evaluation = keyeval_evaluation(world, world.project_a_child)
    if evaluation.status == Status.WORKING:
        agency = world.actors["agency"]
        services.items_save(actor=agency, evaluation=evaluation, rows=scored_rows(evaluation, lose=Decimal(2)))
        report = SimpleUploadedFile("评价报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
        services.submit(actor=agency, evaluation=evaluation, conclusion="总体较好", report=report)
    with scopes_disabled():
        return Evaluation.objects.get(pk=evaluation.pk)


def results_recommendation(world: World) -> Any:
    """The 2027 recommendation drafted from unit A's 2026 project (made once per world)."""
    from django_scopes import scopes_disabled

    from jixiao.org.models import FiscalYear
    from jixiao.results.models import Recommendation
    from jixiao.results.services import draft

    with scopes_disabled():
        existing = Recommendation.objects.filter(project=world.project_a).first()
        if existing is not None:
            return existing
        budget_year, _ = FiscalYear.objects.get_or_create(region=world.region, year=world.fiscal_year.year + 1)
    draft(actor=world.actors["office"], budget_year=budget_year)
    with scopes_disabled():
        return Recommendation.objects.get(project=world.project_a)


def office_token(world: World) -> ApiToken:
    token, _ = token_create(actor=world.actors["office"], name="推送")
    return token


PAGES: dict[str, Case] = {
    "home": Case("get", lambda w: reverse("home"), expect(200)),
    "context_switch": Case(
        "post", lambda w: reverse("context_switch"), expect(302), data=lambda w, a: {"year": "2026"}
    ),
    "login": Case("get", lambda w: reverse("login"), expect(302, anonymous=200)),
    "logout": Case("post", lambda w: reverse("logout"), expect(302)),
    "password_change": Case("get", lambda w: reverse("password_change"), expect(200)),
    "org:unit_list": Case("get", lambda w: reverse("org:unit_list"), allowed(ORG_VIEW)),
    "org:unit_export": Case("get", lambda w: reverse("org:unit_export"), allowed(ORG_VIEW)),
    "org:unit_import": Case("get", lambda w: reverse("org:unit_import"), allowed(["office"])),
    "org:unit_import_commit": Case(
        "post",
        lambda w: reverse("org:unit_import_commit"),
        allowed(["office"], ok=302),
        data=lambda w, a: {"token": "x"},
    ),
    "org:unit_detail": Case(
        "get",
        lambda w: reverse("org:unit_detail", args=[w.unit_a.pk]),
        allowed(ORG_VIEW, unit_b_editor=404),
        variants=[
            Case(
                "get",
                lambda w: reverse("org:unit_detail", args=[w.unit_a_child.pk]),
                allowed(ORG_VIEW, unit_a_editor=404, unit_b_editor=404),
            ),
            Case(
                "get",
                lambda w: reverse("org:unit_detail", args=[w.unit_b.pk]),
                allowed(ORG_VIEW, section=404, unit_a_editor=404, unit_a_leader=404),
            ),
            Case("get", lambda w: reverse("org:unit_detail", args=[w.other_region_unit.pk]), allowed(ORG_VIEW, ok=404)),
        ],
    ),
    "org:unit_edit": Case(
        "get",
        lambda w: reverse("org:unit_edit", args=[w.unit_a.pk]),
        allowed(["office"]),
        variants=[
            Case("get", lambda w: reverse("org:unit_edit", args=[w.other_region_unit.pk]), allowed(["office"], ok=404))
        ],
    ),
    "org:section_list": Case("get", lambda w: reverse("org:section_list"), allowed(ORG_VIEW)),
    "org:section_create": Case("get", lambda w: reverse("org:section_create"), allowed(["office"])),
    "org:section_detail": Case(
        "get",
        lambda w: reverse("org:section_detail", args=[w.section.pk]),
        allowed(ORG_VIEW),
        variants=[
            Case(
                "get",
                lambda w: reverse("org:section_detail", args=[SectionFactory(region=w.other_region).pk]),
                allowed(ORG_VIEW, ok=404),
            )
        ],
    ),
    "org:section_edit": Case("get", lambda w: reverse("org:section_edit", args=[w.section.pk]), allowed(["office"])),
    "org:fiscal_year_list": Case("get", lambda w: reverse("org:fiscal_year_list"), allowed(ORG_VIEW)),
    "org:fiscal_year_create": Case(
        "post",
        lambda w: reverse("org:fiscal_year_create"),
        allowed(["office"], ok=302),
        data=lambda w, a: {"year": "2027"},
    ),
    "org:fiscal_year_edit": Case(
        "get",
        lambda w: reverse("org:fiscal_year_edit", args=[w.fiscal_year.pk]),
        allowed(["office"]),
        variants=[
            Case(
                "get",
                lambda w: reverse(
                    "org:fiscal_year_edit",
                    args=[FiscalYear.objects.with_scopes_disabled().get(region=w.other_region).pk],
                ),
                allowed(["office"], ok=404),
            )
        ],
    ),
    "budget:project_list": Case("get", lambda w: reverse("budget:project_list"), allowed(BUDGET_VIEW)),
    "budget:project_export": Case("get", lambda w: reverse("budget:project_export"), allowed(BUDGET_VIEW)),
    "budget:project_detail": Case(
        "get",
        lambda w: reverse("budget:project_detail", args=[w.project_a.pk]),
        allowed(BUDGET_VIEW, unit_b_editor=404),
        variants=[
            Case(
                "get",
                lambda w: reverse("budget:project_detail", args=[w.project_a_child.pk]),
                allowed(BUDGET_VIEW, unit_a_editor=404, unit_b_editor=404),
            ),
            Case(
                "get",
                lambda w: reverse("budget:project_detail", args=[w.project_b.pk]),
                allowed(BUDGET_VIEW, section=404, unit_a_editor=404, unit_a_leader=404),
            ),
            Case(
                "get",
                lambda w: reverse("budget:project_detail", args=[w.other_region_project.pk]),
                allowed(BUDGET_VIEW, ok=404),
            ),
        ],
    ),
    "budget:category_list": Case("get", lambda w: reverse("budget:category_list"), allowed(BUDGET_VIEW)),
    "budget:category_create": Case("get", lambda w: reverse("budget:category_create"), allowed(["office"])),
    "budget:category_edit": Case(
        "get",
        lambda w: reverse("budget:category_edit", args=[w.project_a.category_id]),
        allowed(["office"]),
        variants=[
            Case(
                "get",
                lambda w: reverse("budget:category_edit", args=[w.other_region_project.category_id]),
                allowed(["office"], ok=404),
            )
        ],
    ),
    "budget:import": Case("get", lambda w: reverse("budget:import"), allowed(["office"])),
    "budget:import_commit": Case(
        "post",
        lambda w: reverse("budget:import_commit"),
        allowed(["office"], ok=302),
        data=lambda w, a: {"token": "x", "kind": "projects"},
    ),
    "library:indicator_list": Case("get", lambda w: reverse("library:indicator_list"), allowed(LIBRARY_VIEW)),
    "library:indicator_detail": Case(
        "get",
        lambda w: reverse("library:indicator_detail", args=[approved_indicator(w).pk]),
        allowed(LIBRARY_VIEW),
        variants=[
            Case(
                "get",
                lambda w: reverse("library:indicator_detail", args=[proposal(w).pk]),
                allowed(LIBRARY_VIEW, unit_b_editor=404, agency=404),
            )
        ],
    ),
    "library:proposal_review": Case(
        "post",
        lambda w: reverse("library:proposal_review", args=[proposal(w).pk]),
        allowed(["office"], ok=302),
        data=lambda w, a: {"decision": "approve"},
    ),
    "library:propose": Case("get", lambda w: reverse("library:propose"), allowed(PROPOSERS)),
    "library:proposal_list": Case("get", lambda w: reverse("library:proposal_list"), allowed(LIBRARY_VIEW)),
    "library:layout": Case(
        "post",
        lambda w: reverse("library:layout"),
        allowed(["office"], ok=302),
        data=lambda w, a: {"layout": "cost_under_output"},
    ),
    "library:recommend": Case(
        "get",
        lambda w: reverse("library:recommend", args=[w.project_a.pk]),
        allowed(LIBRARY_VIEW, unit_b_editor=404, agency=404),
        variants=[
            Case(
                "get",
                lambda w: reverse("library:recommend", args=[w.other_region_project.pk]),
                allowed(LIBRARY_VIEW, ok=404),
            )
        ],
    ),
    "library:export": Case("get", lambda w: reverse("library:export"), allowed(LIBRARY_VIEW)),
    "library:import": Case("get", lambda w: reverse("library:import"), allowed(["office"])),
    "library:import_commit": Case(
        "post",
        lambda w: reverse("library:import_commit"),
        allowed(["office"], ok=302),
        data=lambda w, a: {"token": "x"},
    ),
    "goals:sheet_list": Case("get", lambda w: reverse("goals:sheet_list"), allowed(GOALS_VIEW)),
    "goals:queue": Case("get", lambda w: reverse("goals:queue"), allowed(GOALS_VIEW)),
    "goals:unit_summary": Case("get", lambda w: reverse("goals:unit_summary"), allowed(GOALS_VIEW)),
    "goals:unit_sheets": Case(
        "get",
        lambda w: reverse("goals:unit_sheets", args=[w.unit_a.pk]),
        allowed(GOALS_VIEW, unit_b_editor=404),
        variants=[
            Case(
                "get",
                lambda w: reverse("goals:unit_sheets", args=[w.other_region_unit.pk]),
                allowed(GOALS_VIEW, ok=404),
            )
        ],
    ),
    "goals:sheet_create": Case(
        "post",
        lambda w: reverse("goals:sheet_create"),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
        data=lambda w, a: {"project": w.project_a.pk},
    ),
    "goals:sheet_detail": Case(
        "get",
        lambda w: reverse("goals:sheet_detail", args=[goal_sheet(w).pk]),
        allowed(GOALS_VIEW, unit_b_editor=404),
    ),
    "goals:sheet_edit": Case(
        "get",
        lambda w: reverse("goals:sheet_edit", args=[goal_sheet(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=404),
    ),
    "goals:sheet_check": Case(
        "post",
        lambda w: reverse("goals:sheet_check", args=[goal_sheet(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=404),
        data=lambda w, a: {"goal": "", "row_name": ["亮灯率"], "row_value": ["≥120%"]},
    ),
    "goals:sheet_transition": Case(
        "post",
        lambda w: reverse("goals:sheet_transition", args=[goal_sheet(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
        data=lambda w, a: {"action": "submit"},
    ),
    "goals:sheet_rereview": Case(
        "post",
        lambda w: reverse("goals:sheet_rereview", args=[goal_sheet(w).pk]),
        allowed(GOALS_VIEW, ok=302, unit_b_editor=404, auditor=403),
    ),
    "goals:template": Case(
        "get",
        lambda w: reverse("goals:template") + f"?unit={w.unit_a.pk}",
        allowed(["unit_a_editor"], unit_b_editor=404),
    ),
    "goals:import": Case("get", lambda w: reverse("goals:import"), allowed(GOAL_EDITORS)),
    "goals:import_commit": Case(
        "post",
        lambda w: reverse("goals:import_commit"),
        allowed(GOAL_EDITORS, ok=302),
        data=lambda w, a: {"token": "x"},
    ),
    "goals:batch_start": Case("post", lambda w: reverse("goals:batch_start"), allowed(["office"], ok=302)),
    "goals:batch_status": Case(
        "get", lambda w: reverse("goals:batch_status", args=[review_run(w).pk]), allowed(["office"])
    ),
    "goals:rules": Case("get", lambda w: reverse("goals:rules"), allowed(GOALS_VIEW)),
    "rectification:item_list": Case("get", lambda w: reverse("rectification:item_list"), allowed(RECTIFICATION_VIEW)),
    "rectification:item_new": Case(
        "get",
        lambda w: reverse("rectification:item_new") + f"?selfeval={evaluation_form(w).pk}",
        allowed(RECTIFIERS),
        variants=[Case("get", lambda w: reverse("rectification:item_new"), allowed(RECTIFIERS))],
    ),
    "rectification:item_detail": Case(
        "get",
        lambda w: reverse("rectification:item_detail", args=[rectification_item(w).pk]),
        allowed(RECTIFICATION_VIEW, unit_b_editor=404),
    ),
    "rectification:item_answer": Case(
        "post",
        lambda w: reverse("rectification:item_answer", args=[rectification_item(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
        data=lambda w, a: {"text": ""},
    ),
    "rectification:item_close": Case(
        "post",
        lambda w: reverse("rectification:item_close", args=[rectification_item(w).pk]),
        allowed(RECTIFIERS, ok=302),
    ),
    "rectification:item_return": Case(
        "post",
        lambda w: reverse("rectification:item_return", args=[rectification_item(w).pk]),
        allowed(RECTIFIERS, ok=302),
        data=lambda w, a: {"note": "x"},
    ),
    "rectification:evidence_add": Case(
        "post",
        lambda w: reverse("rectification:evidence_add", args=[rectification_item(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "rectification:evidence_download": Case(
        "get",
        lambda w: reverse("rectification:evidence_download", args=[rectification_evidence(w).pk]),
        allowed(RECTIFICATION_VIEW, unit_b_editor=404),
    ),
    "rectification:evidence_remove": Case(
        "post",
        lambda w: reverse("rectification:evidence_remove", args=[rectification_evidence(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "keyeval:evaluation_list": Case("get", lambda w: reverse("keyeval:evaluation_list"), allowed(KEYEVAL_VIEW)),
    "keyeval:select": Case("get", lambda w: reverse("keyeval:select"), allowed(["office"])),
    "keyeval:evaluation_detail": Case(
        "get",
        lambda w: reverse("keyeval:evaluation_detail", args=[keyeval_evaluation(w).pk]),
        allowed(KEYEVAL_VIEW, unit_b_editor=404),
    ),
    "keyeval:declare": Case(
        "get",
        lambda w: reverse("keyeval:declare", args=[keyeval_evaluation(w).pk]),
        allowed(["agency"], ok=302),
        notes="the agency member has declared already: on to the evaluation",
    ),
    "keyeval:items_edit": Case(
        "get",
        lambda w: reverse("keyeval:items_edit", args=[keyeval_evaluation(w).pk]),
        allowed(["agency"], office=302, unit_b_editor=404),
        notes="the office shapes the index system only before the work starts",
    ),
    "keyeval:evidence_add": Case(
        "post",
        lambda w: reverse("keyeval:evidence_add", args=[keyeval_evaluation(w).pk]),
        allowed(["agency"], ok=400),
    ),
    "keyeval:evidence_download": Case(
        "get",
        lambda w: reverse("keyeval:evidence_download", args=[keyeval_evidence(w).pk]),
        allowed(KEYEVAL_VIEW, unit_a_editor=404, unit_a_leader=404, unit_b_editor=404),
        notes="the evaluated unit sees the working papers once the report is in",
    ),
    "keyeval:evidence_remove": Case(
        "post",
        lambda w: reverse("keyeval:evidence_remove", args=[keyeval_evidence(w).pk]),
        allowed(["agency"], ok=302),
    ),
    "keyeval:report_download": Case(
        "get",
        lambda w: reverse("keyeval:report_download", args=[keyeval_reported(w).pk]),
        allowed(KEYEVAL_VIEW, unit_a_editor=404, unit_b_editor=404),
    ),
    "keyeval:outline": Case(
        "get",
        lambda w: reverse("keyeval:outline", args=[keyeval_evaluation(w).pk]),
        allowed(KEYEVAL_VIEW, unit_b_editor=404),
    ),
    "keyeval:scores_export": Case(
        "get",
        lambda w: reverse("keyeval:scores_export", args=[keyeval_evaluation(w).pk]),
        allowed(KEYEVAL_VIEW, unit_b_editor=404),
    ),
    "keyeval:assign": Case(
        "post",
        lambda w: reverse("keyeval:assign", args=[keyeval_evaluation(w).pk]),
        allowed(["office"], ok=400),
    ),
    "keyeval:cancel": Case(
        "post", lambda w: reverse("keyeval:cancel", args=[keyeval_evaluation(w).pk]), allowed(["office"], ok=400)
    ),
    "keyeval:submit": Case(
        "post", lambda w: reverse("keyeval:submit", args=[keyeval_evaluation(w).pk]), allowed(["agency"], ok=400)
    ),
    "keyeval:feedback": Case(
        "post",
        lambda w: reverse("keyeval:feedback", args=[keyeval_reported(w).pk]),
        allowed(["unit_a_editor", "unit_b_editor"], ok=400, unit_a_editor=404, unit_b_editor=404),
        notes="the report is on unit A's school (a sub-unit): unit A's editor reaches unit A only",
        variants=[
            Case(
                "post",
                lambda w: reverse("keyeval:feedback", args=[keyeval_reported(w).pk]),
                allowed(["unit_a_editor", "unit_b_editor"], unit_a_editor=404, unit_b_editor=404),
                data=lambda w, a: {"text": "满意度调查样本偏少"},
            )
        ],
    ),
    "keyeval:return_report": Case(
        "post",
        lambda w: reverse("keyeval:return_report", args=[keyeval_reported(w).pk]),
        allowed(["office"], ok=400),
    ),
    "keyeval:rate": Case(
        "post", lambda w: reverse("keyeval:rate", args=[keyeval_reported(w).pk]), allowed(["office"], ok=400)
    ),
    "keyeval:agency_list": Case("get", lambda w: reverse("keyeval:agency_list"), allowed(KEYEVAL_AGENCIES)),
    "keyeval:agency_new": Case("get", lambda w: reverse("keyeval:agency_new"), allowed(["office"])),
    "keyeval:agency_detail": Case(
        "get", lambda w: reverse("keyeval:agency_detail", args=[keyeval_agency(w).pk]), allowed(KEYEVAL_AGENCIES)
    ),
    "keyeval:agency_edit": Case(
        "get", lambda w: reverse("keyeval:agency_edit", args=[keyeval_agency(w).pk]), allowed(["office"])
    ),
    "results:list": Case("get", lambda w: reverse("results:list"), allowed(RESULTS_VIEW)),
    "results:draft": Case(
        "post",
        lambda w: reverse("results:draft"),
        allowed(["office"], ok=400),
        notes="the world's current year has no projects the year before: refused with a message",
    ),
    "results:export": Case("get", lambda w: reverse("results:export"), allowed(RESULTS_VIEW)),
    "results:detail": Case(
        "get",
        lambda w: reverse("results:detail", args=[results_recommendation(w).pk]),
        allowed(RESULTS_VIEW, unit_b_editor=404),
    ),
    "results:accept": Case(
        "post",
        lambda w: reverse("results:accept", args=[results_recommendation(w).pk]),
        allowed(RESULTS_DECIDERS, ok=302, section=400),
        notes="the office accepts first; the section then finds it decided (400)",
    ),
    "results:accept_all": Case(
        "post",
        lambda w: reverse("results:accept_all") + f"?year={results_recommendation(w).budget_year.year}",
        allowed(RESULTS_DECIDERS, ok=302),
    ),
    "results:override": Case(
        "post",
        lambda w: reverse("results:override", args=[results_recommendation(w).pk]),
        allowed(RESULTS_DECIDERS, ok=400),
        data=lambda w, a: {"action": "keep", "amount": "", "note": ""},
    ),
    "results:rules": Case("get", lambda w: reverse("results:rules"), allowed(RESULTS_VIEW)),
    "evaluation:round_list": Case("get", lambda w: reverse("evaluation:round_list"), allowed(EVALUATION_VIEW)),
    "evaluation:round_new": Case("get", lambda w: reverse("evaluation:round_new"), allowed(["office"])),
    "evaluation:round_detail": Case(
        "get",
        lambda w: reverse("evaluation:round_detail", args=[evaluation_round(w).pk]),
        allowed(EVALUATION_VIEW),
        variants=[
            Case(
                "get",
                lambda w: reverse("evaluation:round_detail", args=[other_region_evaluation_round(w).pk]),
                allowed(EVALUATION_VIEW, ok=404),
            )
        ],
    ),
    "evaluation:round_refresh": Case(
        "post",
        lambda w: reverse("evaluation:round_refresh", args=[evaluation_round(w).pk]),
        allowed(["office"], ok=302),
    ),
    "evaluation:round_close": Case(
        "post",
        lambda w: reverse("evaluation:round_close", args=[evaluation_round(w).pk]),
        allowed(["office"], ok=302),
    ),
    "evaluation:sample_draw": Case(
        "post",
        lambda w: reverse("evaluation:sample_draw", args=[evaluation_round(w).pk]),
        allowed(["office"], ok=302),
        data=lambda w, a: {"percent": "20"},
        variants=[
            Case(
                "post",
                lambda w: reverse("evaluation:sample_draw", args=[other_region_evaluation_round(w).pk]),
                allowed(["office"], ok=404),
                data=lambda w, a: {"percent": "20"},
            )
        ],
    ),
    "evaluation:my_forms": Case("get", lambda w: reverse("evaluation:my_forms"), allowed(EVALUATION_VIEW)),
    "evaluation:form_detail": Case(
        "get",
        lambda w: reverse("evaluation:form_detail", args=[evaluation_form(w).pk]),
        allowed(EVALUATION_VIEW, unit_b_editor=404),
    ),
    "evaluation:form_edit": Case(
        "get",
        lambda w: reverse("evaluation:form_edit", args=[evaluation_form(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=404),
    ),
    "evaluation:form_preview": Case(
        "post",
        lambda w: reverse("evaluation:form_preview", args=[evaluation_form(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=404),
        data=lambda w, a: {"goal_result": "完成"},
    ),
    "evaluation:form_transition": Case(
        "post",
        lambda w: reverse("evaluation:form_transition", args=[evaluation_form(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
        data=lambda w, a: {"action": "submit"},
    ),
    "evaluation:recheck": Case(
        "post",
        lambda w: reverse("evaluation:recheck", args=[evaluation_received(w).pk]),
        allowed(["office"], ok=302),
        data=lambda w, a: {"total": "90", "note": "复核"},
    ),
    "evaluation:evidence_add": Case(
        "post",
        lambda w: reverse("evaluation:evidence_add", args=[evaluation_form(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "evaluation:evidence_download": Case(
        "get",
        lambda w: reverse("evaluation:evidence_download", args=[evaluation_evidence(w).pk]),
        allowed(EVALUATION_VIEW, unit_b_editor=404),
    ),
    "evaluation:evidence_remove": Case(
        "post",
        lambda w: reverse("evaluation:evidence_remove", args=[evaluation_evidence(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "evaluation:rules": Case("get", lambda w: reverse("evaluation:rules"), allowed(EVALUATION_VIEW)),
    "monitoring:round_list": Case("get", lambda w: reverse("monitoring:round_list"), allowed(MONITORING_VIEW)),
    "monitoring:round_new": Case("get", lambda w: reverse("monitoring:round_new"), allowed(["office"])),
    "monitoring:round_detail": Case(
        "get",
        lambda w: reverse("monitoring:round_detail", args=[monitoring_round(w).pk]),
        allowed(MONITORING_VIEW),
        variants=[
            Case(
                "get",
                lambda w: reverse("monitoring:round_detail", args=[other_region_round(w).pk]),
                allowed(MONITORING_VIEW, ok=404),
            )
        ],
    ),
    "monitoring:round_refresh": Case(
        "post",
        lambda w: reverse("monitoring:round_refresh", args=[monitoring_round(w).pk]),
        allowed(["office"], ok=302),
    ),
    "monitoring:round_close": Case(
        "post",
        lambda w: reverse("monitoring:round_close", args=[monitoring_round(w).pk]),
        allowed(["office"], ok=302),
    ),
    "monitoring:round_export": Case(
        "get",
        lambda w: reverse("monitoring:round_export", args=[monitoring_round(w).pk]),
        allowed(MONITORING_VIEW),
        variants=[
            Case(
                "get",
                lambda w: reverse("monitoring:round_export", args=[other_region_round(w).pk]),
                allowed(MONITORING_VIEW, ok=404),
            )
        ],
    ),
    "monitoring:report_template": Case(
        "get",
        lambda w: reverse("monitoring:report_template", args=[monitoring_round(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=302),
        notes="unit B has nothing to fill in the round: back to the round page with a message",
        variants=[
            Case(
                "get",
                lambda w: reverse("monitoring:report_template", args=[monitoring_round(w).pk]) + f"?unit={w.unit_a.pk}",
                allowed(["unit_a_editor"], unit_b_editor=404),
            ),
            Case(
                "get",
                lambda w: reverse("monitoring:report_template", args=[other_region_round(w).pk]),
                allowed(MONITORING_EDITORS, ok=404),
            ),
        ],
    ),
    "monitoring:import": Case("get", lambda w: reverse("monitoring:import"), allowed(MONITORING_EDITORS)),
    "monitoring:import_commit": Case(
        "post",
        lambda w: reverse("monitoring:import_commit"),
        allowed(MONITORING_EDITORS, ok=302),
        data=lambda w, a: {"token": "x"},
    ),
    "monitoring:my_reports": Case("get", lambda w: reverse("monitoring:my_reports"), allowed(MONITORING_VIEW)),
    "monitoring:report_detail": Case(
        "get",
        lambda w: reverse("monitoring:report_detail", args=[monitoring_report(w).pk]),
        allowed(MONITORING_VIEW, unit_b_editor=404),
    ),
    "monitoring:report_edit": Case(
        "get",
        lambda w: reverse("monitoring:report_edit", args=[monitoring_report(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=404),
    ),
    "monitoring:report_transition": Case(
        "post",
        lambda w: reverse("monitoring:report_transition", args=[monitoring_report(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
        data=lambda w, a: {"action": "submit"},
    ),
    "monitoring:attachment_add": Case(
        "post",
        lambda w: reverse("monitoring:attachment_add", args=[monitoring_report(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "monitoring:attachment_download": Case(
        "get",
        lambda w: reverse("monitoring:attachment_download", args=[monitoring_attachment(w).pk]),
        allowed(MONITORING_VIEW, unit_b_editor=404),
    ),
    "monitoring:attachment_remove": Case(
        "post",
        lambda w: reverse("monitoring:attachment_remove", args=[monitoring_attachment(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "monitoring:plan_edit": Case(
        "get",
        lambda w: reverse("monitoring:plan_edit", args=[w.project_a.pk]),
        allowed(["unit_a_editor"], unit_b_editor=404),
    ),
    "monitoring:decision_create": Case(
        "post",
        lambda w: reverse("monitoring:decision_create", args=[monitoring_report(w).pk]),
        allowed(DECIDERS, ok=302),
    ),
    "monitoring:decisions": Case("get", lambda w: reverse("monitoring:decisions"), allowed(MONITORING_VIEW)),
    "monitoring:decision_answer": Case(
        "post",
        lambda w: reverse("monitoring:decision_answer", args=[monitoring_decision(w).pk]),
        allowed(["unit_a_editor"], ok=302, unit_b_editor=404),
    ),
    "monitoring:decision_close": Case(
        "post",
        lambda w: reverse("monitoring:decision_close", args=[monitoring_decision(w).pk]),
        allowed(DECIDERS, ok=302),
    ),
    "monitoring:holidays": Case("get", lambda w: reverse("monitoring:holidays"), allowed(MONITORING_VIEW)),
    "monitoring:holiday_delete": Case(
        "post",
        lambda w: reverse("monitoring:holiday_delete", args=[monitoring_holiday(w).pk]),
        allowed(["office"], ok=302),
    ),
    "monitoring:rules": Case("get", lambda w: reverse("monitoring:rules"), allowed(MONITORING_VIEW)),
    "evaluation:round_export": Case(
        "get",
        lambda w: reverse("evaluation:round_export", args=[evaluation_round(w).pk]),
        allowed(EVALUATION_VIEW),
        notes="unit B's editor gets the table without unit A's form (tests/evaluation/test_excel.py)",
        variants=[
            Case(
                "get",
                lambda w: reverse("evaluation:round_export", args=[other_region_evaluation_round(w).pk]),
                allowed(EVALUATION_VIEW, ok=404),
            )
        ],
    ),
    "evaluation:form_export": Case(
        "get",
        lambda w: reverse("evaluation:form_export", args=[evaluation_form(w).pk]),
        allowed(EVALUATION_VIEW, unit_b_editor=404),
    ),
    "evaluation:form_template": Case(
        "get",
        lambda w: reverse("evaluation:form_template", args=[evaluation_round(w).pk]),
        allowed(["unit_a_editor"], unit_b_editor=302),
        notes="unit B has nothing to fill in the round: back to the round page with a message",
        variants=[
            Case(
                "get",
                lambda w: reverse("evaluation:form_template", args=[evaluation_round(w).pk]) + f"?unit={w.unit_a.pk}",
                allowed(["unit_a_editor"], unit_b_editor=404),
            ),
            Case(
                "get",
                lambda w: reverse("evaluation:form_template", args=[other_region_evaluation_round(w).pk]),
                allowed(EVALUATION_EDITORS, ok=404),
            ),
        ],
    ),
    "evaluation:import": Case("get", lambda w: reverse("evaluation:import"), allowed(EVALUATION_EDITORS)),
    "evaluation:import_commit": Case(
        "post",
        lambda w: reverse("evaluation:import_commit"),
        allowed(EVALUATION_EDITORS, ok=302),
        data=lambda w, a: {"token": "x"},
    ),
    "accounts:profile": Case("get", lambda w: reverse("accounts:profile"), expect(200)),
    "accounts:token_create": Case(
        "post", lambda w: reverse("accounts:token_create"), expect(302), data=lambda w, a: {"name": "数据推送"}
    ),
    "accounts:token_revoke": Case(
        "post", lambda w: reverse("accounts:token_revoke", args=[office_token(w).pk]), expect(404, office=302)
    ),
    "accounts:user_list": Case("get", lambda w: reverse("accounts:user_list"), allowed(["sysadmin"])),
    "accounts:user_create": Case("get", lambda w: reverse("accounts:user_create"), allowed(["sysadmin"])),
    "accounts:user_detail": Case(
        "get",
        lambda w: reverse("accounts:user_detail", args=[w.actors["unit_a_editor"].pk]),
        allowed(["sysadmin"]),
        variants=[
            Case(
                "get",
                lambda w: reverse("accounts:user_detail", args=[UserFactory(region=w.other_region).pk]),
                allowed(["sysadmin"], ok=404),
            )
        ],
    ),
    "accounts:user_edit": Case(
        "get", lambda w: reverse("accounts:user_edit", args=[w.actors["unit_a_editor"].pk]), allowed(["sysadmin"])
    ),
    "accounts:user_reset_password": Case(
        "post",
        lambda w: reverse("accounts:user_reset_password", args=[w.actors["unit_a_editor"].pk]),
        allowed(["sysadmin"], ok=302),
        data=lambda w, a: {"password": "Temp-Passw0rd!x"},
    ),
    "accounts:user_unlock": Case(
        "post",
        lambda w: reverse("accounts:user_unlock", args=[w.actors["unit_a_editor"].pk]),
        allowed(["sysadmin"], ok=302),
    ),
    "audit:entry_list": Case("get", lambda w: reverse("audit:entry_list"), allowed(["office", "auditor"])),
    "audit:object_history": Case(
        "get",
        lambda w: reverse("audit:object_history", args=["org.unit", w.unit_a.pk]),
        allowed(["office", "auditor"]),
    ),
    "api-1:openapi-json": Case("get", lambda w: reverse("api-1:openapi-json"), expect(200)),
    "api-1:openapi-view": Case("get", lambda w: reverse("api-1:openapi-view"), expect(200)),
    "api-1:api-root": Case("get", lambda w: reverse("api-1:api-root"), expect(404, anonymous=404)),
}

API_ORG_VIEW = allowed(ORG_VIEW, anonymous=401)
API: dict[tuple[str, str], Case] = {
    ("get", "/api/v1/units"): Case("get", lambda w: "/api/v1/units", API_ORG_VIEW),
    ("get", "/api/v1/units/{unit_id}"): Case(
        "get",
        lambda w: f"/api/v1/units/{w.unit_a.pk}",
        allowed(ORG_VIEW, anonymous=401, unit_b_editor=404),
        variants=[
            Case("get", lambda w: f"/api/v1/units/{w.other_region_unit.pk}", allowed(ORG_VIEW, ok=404, anonymous=401))
        ],
    ),
    ("post", "/api/v1/units/import"): Case(
        "post", lambda w: "/api/v1/units/import", allowed(["office"], anonymous=401), data=csv_upload
    ),
    ("get", "/api/v1/sections"): Case("get", lambda w: "/api/v1/sections", API_ORG_VIEW),
    ("post", "/api/v1/sections"): Case(
        "post",
        lambda w: "/api/v1/sections",
        allowed(["office"], ok=201, anonymous=401),
        data=lambda w, a: {"name": f"新股室{a}", "unit_codes": ["105"]},
        json=True,
    ),
    ("get", "/api/v1/sections/{section_id}"): Case("get", lambda w: f"/api/v1/sections/{w.section.pk}", API_ORG_VIEW),
    ("put", "/api/v1/sections/{section_id}"): Case(
        "put",
        lambda w: f"/api/v1/sections/{w.section.pk}",
        allowed(["office"], anonymous=401),
        data=lambda w, a: {"name": "教科文股", "unit_codes": ["105", "105001"]},
        json=True,
    ),
    ("get", "/api/v1/projects"): Case("get", lambda w: "/api/v1/projects", allowed(BUDGET_VIEW, anonymous=401)),
    ("get", "/api/v1/projects/{project_id}"): Case(
        "get",
        lambda w: f"/api/v1/projects/{w.project_a.pk}",
        allowed(BUDGET_VIEW, anonymous=401, unit_b_editor=404),
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/projects/{w.project_b.pk}",
                allowed(BUDGET_VIEW, anonymous=401, section=404, unit_a_editor=404, unit_a_leader=404),
            ),
            Case(
                "get",
                lambda w: f"/api/v1/projects/{w.other_region_project.pk}",
                allowed(BUDGET_VIEW, ok=404, anonymous=401),
            ),
        ],
    ),
    ("post", "/api/v1/budget/import"): Case(
        "post",
        lambda w: "/api/v1/budget/import",
        allowed(["office"], anonymous=401),
        data=lambda w, a: budget_upload(w, a),
    ),
    ("get", "/api/v1/library/search"): Case(
        "get", lambda w: "/api/v1/library/search?q=%E5%9E%83%E5%9C%BE", allowed(LIBRARY_VIEW, anonymous=401)
    ),
    ("get", "/api/v1/library/indicators/{indicator_id}"): Case(
        "get",
        lambda w: f"/api/v1/library/indicators/{approved_indicator(w).pk}",
        allowed(LIBRARY_VIEW, anonymous=401),
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/library/indicators/{proposal(w).pk}",
                allowed(LIBRARY_VIEW, anonymous=401, unit_b_editor=404, agency=404),
            )
        ],
    ),
    ("get", "/api/v1/library/recommend/{project_id}"): Case(
        "get",
        lambda w: f"/api/v1/library/recommend/{w.project_a.pk}",
        allowed(LIBRARY_VIEW, anonymous=401, unit_b_editor=404, agency=404),
    ),
    ("get", "/api/v1/goals/sheets"): Case("get", lambda w: "/api/v1/goals/sheets", allowed(GOALS_VIEW, anonymous=401)),
    ("get", "/api/v1/goals/sheets/{sheet_id}"): Case(
        "get",
        lambda w: f"/api/v1/goals/sheets/{goal_sheet(w).pk}",
        allowed(GOALS_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("post", "/api/v1/goals/sheets"): Case(
        "post",
        lambda w: "/api/v1/goals/sheets",
        allowed(["unit_a_editor"], ok=201, anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"project_id": w.project_a.pk},
        json=True,
    ),
    ("put", "/api/v1/goals/sheets/{sheet_id}"): Case(
        "put",
        lambda w: f"/api/v1/goals/sheets/{goal_sheet(w).pk}",
        allowed(["unit_a_editor"], anonymous=401, unit_b_editor=404),
        data=lambda w, a: {
            "goal": "2026年保障36所学校正常运转。",
            "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "保障学校数", "value": "=36所"}],
        },
        json=True,
    ),
    ("post", "/api/v1/goals/sheets/{sheet_id}/transition"): Case(
        "post",
        lambda w: f"/api/v1/goals/sheets/{goal_sheet(w).pk}/transition",
        allowed([], anonymous=401, unit_b_editor=404, unit_a_editor=400),
        data=lambda w, a: {"action": "submit"},
        json=True,
        notes="the editor's submit of an empty sheet is refused for its errors (400), the others lack the right",
    ),
    ("post", "/api/v1/goals/check"): Case(
        "post", lambda w: "/api/v1/goals/check", allowed(GOALS_VIEW, anonymous=401), data=sound_sheet_json, json=True
    ),
    ("get", "/api/v1/monitoring/rounds"): Case("get", lambda w: "/api/v1/monitoring/rounds", MONITORING_API_VIEW),
    ("post", "/api/v1/monitoring/rounds"): Case(
        "post",
        lambda w: "/api/v1/monitoring/rounds",
        allowed(["office"], ok=201, anonymous=401),
        data=lambda w, a: {
            "title": f"补充监控{a}",
            "month": 8,
            "deadline": "2026-09-15",
            "scope": "list",
            "project_ids": [monitoring_report(w).project_id],
        },
        json=True,
    ),
    ("get", "/api/v1/monitoring/rounds/{round_id}"): Case(
        "get",
        lambda w: f"/api/v1/monitoring/rounds/{monitoring_round(w).pk}",
        MONITORING_API_VIEW,
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/monitoring/rounds/{other_region_round(w).pk}",
                allowed(MONITORING_VIEW, ok=404, anonymous=401),
            )
        ],
    ),
    ("post", "/api/v1/monitoring/rounds/{round_id}/refresh"): Case(
        "post",
        lambda w: f"/api/v1/monitoring/rounds/{monitoring_round(w).pk}/refresh",
        allowed(["office"], anonymous=401),
    ),
    ("post", "/api/v1/monitoring/rounds/{round_id}/close"): Case(
        "post",
        lambda w: f"/api/v1/monitoring/rounds/{monitoring_round(w).pk}/close",
        allowed(["office"], anonymous=401),
    ),
    ("get", "/api/v1/monitoring/rounds/{round_id}/reports"): Case(
        "get",
        lambda w: f"/api/v1/monitoring/rounds/{monitoring_round(w).pk}/reports",
        MONITORING_API_VIEW,
        notes="unit B's editor gets 200 with an empty list: the round is the region's, the report unit A's",
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/monitoring/rounds/{other_region_round(w).pk}/reports",
                allowed(MONITORING_VIEW, ok=404, anonymous=401),
            )
        ],
    ),
    ("get", "/api/v1/monitoring/reports/{report_id}"): Case(
        "get",
        lambda w: f"/api/v1/monitoring/reports/{monitoring_report(w).pk}",
        allowed(MONITORING_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("put", "/api/v1/monitoring/reports/{report_id}"): Case(
        "put",
        lambda w: f"/api/v1/monitoring/reports/{monitoring_report(w).pk}",
        allowed(["unit_a_editor"], anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"lines": [{"position": 0, "done": "12100"}], "summary": "上半年拨付滞后"},
        json=True,
    ),
    ("post", "/api/v1/monitoring/reports/{report_id}/transition"): Case(
        "post",
        lambda w: f"/api/v1/monitoring/reports/{monitoring_report(w).pk}/transition",
        allowed([], anonymous=401, unit_b_editor=404, unit_a_editor=400),
        data=lambda w, a: {"action": "submit"},
        json=True,
        notes="the editor's submit of an unfilled report is refused for what is missing (400); the others lack the right",
    ),
    ("get", "/api/v1/monitoring/warnings"): Case("get", lambda w: "/api/v1/monitoring/warnings", MONITORING_API_VIEW),
    ("get", "/api/v1/monitoring/decisions"): Case("get", lambda w: "/api/v1/monitoring/decisions", MONITORING_API_VIEW),
    ("post", "/api/v1/monitoring/reports/{report_id}/decisions"): Case(
        "post",
        lambda w: f"/api/v1/monitoring/reports/{monitoring_report(w).pk}/decisions",
        allowed(DECIDERS, ok=201, anonymous=401),
        data=lambda w, a: {"kind": "correct", "reason": "执行滞后，限期纠偏", "working_days": 10},
        json=True,
    ),
    ("post", "/api/v1/monitoring/decisions/{decision_id}/answer"): Case(
        "post",
        lambda w: f"/api/v1/monitoring/decisions/{monitoring_decision(w).pk}/answer",
        allowed(["unit_a_editor"], anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"text": "已调整拨付进度"},
        json=True,
    ),
    ("post", "/api/v1/monitoring/decisions/{decision_id}/close"): Case(
        "post",
        lambda w: f"/api/v1/monitoring/decisions/{monitoring_decision(w).pk}/close",
        allowed([], anonymous=401, office=400, section=400),
        notes="the decision is still open: finance closes it only after the unit's answer (400)",
    ),
    ("get", "/api/v1/monitoring/projects/{project_id}/plan"): Case(
        "get",
        lambda w: f"/api/v1/monitoring/projects/{w.project_a.pk}/plan",
        allowed(MONITORING_VIEW, anonymous=401, unit_b_editor=404),
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/monitoring/projects/{w.project_b.pk}/plan",
                allowed(MONITORING_VIEW, anonymous=401, section=404, unit_a_editor=404, unit_a_leader=404),
            ),
            Case(
                "get",
                lambda w: f"/api/v1/monitoring/projects/{w.other_region_project.pk}/plan",
                allowed(MONITORING_VIEW, ok=404, anonymous=401),
            ),
        ],
    ),
    ("put", "/api/v1/monitoring/projects/{project_id}/plan"): Case(
        "put",
        lambda w: f"/api/v1/monitoring/projects/{w.project_a.pk}/plan",
        allowed(["unit_a_editor"], anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"months": PLAN_MONTHS},
        json=True,
    ),
    ("get", "/api/v1/evaluation/rounds"): Case(
        "get", lambda w: "/api/v1/evaluation/rounds", allowed(EVALUATION_VIEW, anonymous=401)
    ),
    ("post", "/api/v1/evaluation/rounds"): Case(
        "post",
        lambda w: "/api/v1/evaluation/rounds",
        allowed(["office"], ok=400, anonymous=401),
        data=lambda w, a: {"year": 2026, "title": f"补充自评{a}", "deadline": "2027-04-30"},
        json=True,
        notes="the world has no approved goal sheet: the office passes the permission and is refused by the rule "
        "(400); opening is tested in tests/evaluation/test_api.py",
    ),
    ("get", "/api/v1/evaluation/rounds/{round_id}"): Case(
        "get",
        lambda w: f"/api/v1/evaluation/rounds/{evaluation_round(w).pk}",
        allowed(EVALUATION_VIEW, anonymous=401),
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/evaluation/rounds/{other_region_evaluation_round(w).pk}",
                allowed(EVALUATION_VIEW, ok=404, anonymous=401),
            )
        ],
    ),
    ("post", "/api/v1/evaluation/rounds/{round_id}/close"): Case(
        "post",
        lambda w: f"/api/v1/evaluation/rounds/{evaluation_round(w).pk}/close",
        allowed(["office"], anonymous=401),
        variants=[
            Case(
                "post",
                lambda w: f"/api/v1/evaluation/rounds/{other_region_evaluation_round(w).pk}/close",
                allowed(["office"], ok=404, anonymous=401),
            )
        ],
    ),
    ("post", "/api/v1/evaluation/rounds/{round_id}/refresh"): Case(
        "post",
        lambda w: f"/api/v1/evaluation/rounds/{evaluation_round(w).pk}/refresh",
        allowed(["office"], anonymous=401),
    ),
    ("post", "/api/v1/evaluation/rounds/{round_id}/sample"): Case(
        "post",
        lambda w: f"/api/v1/evaluation/rounds/{evaluation_received(w).round_id}/sample",
        allowed(["office"], anonymous=401),
        data=lambda w, a: {"share": "0.2"},
        json=True,
        variants=[
            Case(
                "post",
                lambda w: f"/api/v1/evaluation/rounds/{other_region_evaluation_round(w).pk}/sample",
                allowed(["office"], ok=404, anonymous=401),
                data=lambda w, a: {"share": "0.2"},
                json=True,
            )
        ],
    ),
    ("get", "/api/v1/evaluation/forms"): Case(
        "get",
        lambda w: f"/api/v1/evaluation/forms?round_id={evaluation_round(w).pk}",
        allowed(EVALUATION_VIEW, anonymous=401),
        notes="unit B's editor gets 200 with an empty list: the round is the region's, the form unit A's",
    ),
    ("get", "/api/v1/evaluation/forms/{form_id}"): Case(
        "get",
        lambda w: f"/api/v1/evaluation/forms/{evaluation_form(w).pk}",
        allowed(EVALUATION_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("put", "/api/v1/evaluation/forms/{form_id}"): Case(
        "put",
        lambda w: f"/api/v1/evaluation/forms/{evaluation_form(w).pk}",
        allowed(EVALUATION_EDITORS, anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"lines": [{"position": 0, "actual": "12150"}], "goal_result": "完成"},
        json=True,
    ),
    ("post", "/api/v1/evaluation/forms/{form_id}/preview"): Case(
        "post",
        lambda w: f"/api/v1/evaluation/forms/{evaluation_form(w).pk}/preview",
        allowed(EVALUATION_EDITORS, anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"lines": [{"position": 0, "actual": "12150"}]},
        json=True,
    ),
    ("post", "/api/v1/evaluation/forms/{form_id}/transition"): Case(
        "post",
        lambda w: f"/api/v1/evaluation/forms/{evaluation_form(w).pk}/transition",
        allowed([], anonymous=401, unit_b_editor=404, unit_a_editor=400),
        data=lambda w, a: {"action": "submit"},
        json=True,
        notes="the editor's submit of an unfilled form is refused for what is missing (400); the others lack the right",
    ),
    ("post", "/api/v1/evaluation/forms/{form_id}/recheck"): Case(
        "post",
        lambda w: f"/api/v1/evaluation/forms/{evaluation_received(w).pk}/recheck",
        allowed(["office"], anonymous=401),
        data=lambda w, a: {"total": "90", "note": "复核无重大问题"},
        json=True,
    ),
    ("get", "/api/v1/keyeval/agencies"): Case(
        "get", lambda w: "/api/v1/keyeval/agencies", allowed(KEYEVAL_AGENCIES, anonymous=401)
    ),
    ("post", "/api/v1/keyeval/agencies"): Case(
        "post",
        lambda w: "/api/v1/keyeval/agencies",
        allowed(["office"], ok=201, anonymous=401),
        data=lambda w, a: {"name": "株洲正信会计师事务所（普通合伙）", "contact": "刘敏", "phone": "0731-28456789"},
        json=True,
    ),
    ("put", "/api/v1/keyeval/agencies/{agency_id}"): Case(
        "put",
        lambda w: f"/api/v1/keyeval/agencies/{keyeval_agency(w).pk}",
        allowed(["office"], anonymous=401),
        data=lambda w, a: {"name": "湖南湘江会计师事务所有限公司", "contact": "赵磊", "phone": "0731-22881234"},
        json=True,
    ),
    ("get", "/api/v1/keyeval/candidates"): Case(
        "get", lambda w: f"/api/v1/keyeval/candidates?year={w.fiscal_year.year}", allowed(["office"], anonymous=401)
    ),
    ("get", "/api/v1/keyeval/evaluations"): Case(
        "get", lambda w: "/api/v1/keyeval/evaluations", allowed(KEYEVAL_VIEW, anonymous=401)
    ),
    ("post", "/api/v1/keyeval/evaluations"): Case(
        "post",
        lambda w: "/api/v1/keyeval/evaluations",
        allowed(["office"], ok=201, anonymous=401),
        data=lambda w, a: {"project_ids": [w.project_b.pk]},
        json=True,
    ),
    ("get", "/api/v1/keyeval/evaluations/{evaluation_id}"): Case(
        "get",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}",
        allowed(KEYEVAL_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("get", "/api/v1/keyeval/evaluations/{evaluation_id}/outline"): Case(
        "get",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/outline",
        allowed(KEYEVAL_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/assign"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/assign",
        allowed(["office"], ok=400, anonymous=401),
        data=lambda w, a: {"agency_id": keyeval_agency(w).pk, "deadline": "2027-03-31", "fee": "50000"},
        json=True,
        notes="the work has started: too late to re-commission",
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/cancel"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_reported(w).pk}/cancel",
        allowed(["office"], ok=400, anonymous=401),
        data=lambda w, a: {"reason": "项目调整"},
        json=True,
        notes="a submitted report is returned or rated, not cancelled",
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/feedback"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/feedback",
        allowed(["unit_a_editor"], ok=400, anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"text": "满意度调查样本偏少"},
        json=True,
        notes="the work is under way: no report to comment on yet",
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/return"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/return",
        allowed(["office"], ok=400, anonymous=401),
        data=lambda w, a: {"note": "请补充满意度调查"},
        json=True,
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/rate"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/rate",
        allowed(["office"], ok=400, anonymous=401),
        data=lambda w, a: {"quality": "85"},
        json=True,
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/declare"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/declare",
        allowed(["agency"], ok=400, anonymous=401),
        data=lambda w, a: {"conflict": False},
        json=True,
        notes="the member has declared already",
    ),
    ("put", "/api/v1/keyeval/evaluations/{evaluation_id}/items"): Case(
        "put",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/items",
        allowed(["office", "agency"], ok=400, anonymous=401),
        data=lambda w, a: [{"level1": "决策", "level2": "项目立项", "level3": "", "weight": "100"}],
        json=True,
    ),
    ("post", "/api/v1/keyeval/evaluations/{evaluation_id}/submit"): Case(
        "post",
        lambda w: f"/api/v1/keyeval/evaluations/{keyeval_evaluation(w).pk}/submit",
        allowed(["agency"], ok=400, anonymous=401),
        data=lambda w, a: {"conclusion": "总体较好"},
        notes="items not yet scored, no report",
    ),
    ("get", "/api/v1/results/recommendations"): Case(
        "get", lambda w: "/api/v1/results/recommendations", allowed(RESULTS_VIEW, anonymous=401)
    ),
    ("get", "/api/v1/results/recommendations/{recommendation_id}"): Case(
        "get",
        lambda w: f"/api/v1/results/recommendations/{results_recommendation(w).pk}",
        allowed(RESULTS_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("post", "/api/v1/results/draft"): Case(
        "post",
        lambda w: "/api/v1/results/draft",
        allowed(["office"], anonymous=401),
        data=lambda w, a: {"year": results_recommendation(w).budget_year.year},
        json=True,
    ),
    ("post", "/api/v1/results/recommendations/{recommendation_id}/accept"): Case(
        "post",
        lambda w: f"/api/v1/results/recommendations/{results_recommendation(w).pk}/accept",
        allowed(RESULTS_DECIDERS, anonymous=401, section=400),
        notes="the office accepts first; the section then finds it decided",
    ),
    ("post", "/api/v1/results/accept"): Case(
        "post",
        lambda w: "/api/v1/results/accept",
        allowed(RESULTS_DECIDERS, anonymous=401),
        data=lambda w, a: {"year": results_recommendation(w).budget_year.year, "action": "none"},
        json=True,
    ),
    ("post", "/api/v1/results/recommendations/{recommendation_id}/override"): Case(
        "post",
        lambda w: f"/api/v1/results/recommendations/{results_recommendation(w).pk}/override",
        allowed(RESULTS_DECIDERS, ok=400, anonymous=401),
        data=lambda w, a: {"action": "keep", "amount": "100000000000", "note": "政策性刚性支出"},
        json=True,
        notes="an amount past the ceiling is refused",
    ),
    ("get", "/api/v1/results/rules"): Case(
        "get", lambda w: "/api/v1/results/rules", allowed(RESULTS_VIEW, anonymous=401)
    ),
    ("put", "/api/v1/results/rules"): Case(
        "put",
        lambda w: "/api/v1/results/rules",
        allowed(["office"], ok=400, anonymous=401),
        data=lambda w, a: {"data": {"rules": {"中": {"cut": "101"}}}},
        json=True,
    ),
    ("get", "/api/v1/evaluation/rules"): Case(
        "get", lambda w: "/api/v1/evaluation/rules", allowed(EVALUATION_VIEW, anonymous=401)
    ),
    ("post", "/api/v1/evaluation/rules"): Case(
        "post",
        lambda w: "/api/v1/evaluation/rules",
        allowed(["office"], ok=201, anonymous=401),
        data=lambda w, a: {"year": 2026, "data": {"reverse": "ratio"}, "note": "比值法"},
        json=True,
    ),
    ("post", "/api/v1/evaluation/score"): Case(
        "post",
        lambda w: "/api/v1/evaluation/score",
        allowed(EVALUATION_VIEW, anonymous=401),
        data=lambda w, a: {
            "schema": "jixiao.self-evaluation/1",
            "kind": "project",
            "year": 2026,
            "unit": {"code": "105", "name": "株洲市渌口区教育局"},
            "project": {"name": "义务教育学校公用经费保障"},
            "funds": {"total": "1000000"},
            "goal": "保障36所学校正常运转",
            "execution": {"adjusted_budget": "1000000", "spent": "950000"},
            "indicators": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "保障学校数",
                    "symbol": "≥",
                    "value": "36",
                    "actual": "36",
                }
            ],
        },
        json=True,
    ),
    ("get", "/api/v1/rectification/items"): Case(
        "get",
        lambda w: f"/api/v1/rectification/items?unit_id={rectification_item(w).unit_id}",
        allowed(RECTIFICATION_VIEW, anonymous=401),
        notes="unit B's editor gets 200 with an empty list: the item is unit A's",
    ),
    ("get", "/api/v1/rectification/items/{item_id}"): Case(
        "get",
        lambda w: f"/api/v1/rectification/items/{rectification_item(w).pk}",
        allowed(RECTIFICATION_VIEW, anonymous=401, unit_b_editor=404),
    ),
    ("post", "/api/v1/rectification/items"): Case(
        "post",
        lambda w: "/api/v1/rectification/items",
        allowed(RECTIFIERS, ok=201, anonymous=401),
        data=lambda w, a: {
            "selfeval_id": rectification_item(w).selfeval_id,
            "problem": "绩效目标完成值缺乏佐证。",
            "requirement": "补充佐证材料。",
            "due": rectification_item(w).due.isoformat(),
        },
        json=True,
        variants=[
            Case(
                "post",
                lambda w: "/api/v1/rectification/items",
                allowed(RECTIFIERS, ok=201, anonymous=401, section=404),
                data=lambda w, a: {
                    "unit_id": w.unit_b.pk,
                    "problem": "审计发现资金结余未收回。",
                    "requirement": "收回结余资金。",
                    "due": rectification_item(w).due.isoformat(),
                },
                json=True,
            ),
            Case(
                "post",
                lambda w: "/api/v1/rectification/items",
                allowed(RECTIFIERS, ok=404, anonymous=401),
                data=lambda w, a: {
                    "unit_id": w.other_region_unit.pk,
                    "problem": "审计发现资金结余未收回。",
                    "requirement": "收回结余资金。",
                    "due": rectification_item(w).due.isoformat(),
                },
                json=True,
            ),
        ],
    ),
    ("post", "/api/v1/rectification/items/{item_id}/answer"): Case(
        "post",
        lambda w: f"/api/v1/rectification/items/{rectification_item(w).pk}/answer",
        allowed(["unit_a_editor"], anonymous=401, unit_b_editor=404),
        data=lambda w, a: {"text": "已重新开展满意度调查并更正自评表。"},
        json=True,
    ),
    ("post", "/api/v1/rectification/items/{item_id}/close"): Case(
        "post",
        lambda w: f"/api/v1/rectification/items/{rectification_item(w).pk}/close",
        allowed([], anonymous=401, office=400, section=400),
        data=lambda w, a: {"note": "整改到位"},
        json=True,
        notes="the item is still open: finance confirms it only after the unit's answer (400)",
    ),
    ("post", "/api/v1/rectification/items/{item_id}/return"): Case(
        "post",
        lambda w: f"/api/v1/rectification/items/{rectification_item(w).pk}/return",
        allowed([], anonymous=401, office=400, section=400),
        data=lambda w, a: {"note": "请补充问卷汇总表"},
        json=True,
        notes="the item is still open: finance returns only an answered item (400)",
    ),
    ("get", "/api/v1/rectification/counts"): Case(
        "get", lambda w: "/api/v1/rectification/counts", allowed(RECTIFICATION_VIEW, anonymous=401)
    ),
    ("get", "/api/v1/fiscal-years"): Case("get", lambda w: "/api/v1/fiscal-years", API_ORG_VIEW),
    ("get", "/api/v1/me"): Case("get", lambda w: "/api/v1/me", expect(200, anonymous=401)),
    ("get", "/api/v1/users"): Case("get", lambda w: "/api/v1/users", allowed(["sysadmin"], anonymous=401)),
    ("post", "/api/v1/users"): Case(
        "post",
        lambda w: "/api/v1/users",
        allowed(["sysadmin"], ok=201, anonymous=401),
        data=lambda w, a: {
            "username": f"new_{a}",
            "full_name": "新用户",
            "role": "unit_editor",
            "unit_code": "110",
            "password": "Initial-Passw0rd!",
        },
        json=True,
    ),
    ("get", "/api/v1/users/{user_id}"): Case(
        "get",
        lambda w: f"/api/v1/users/{w.actors['unit_a_editor'].pk}",
        allowed(["sysadmin"], anonymous=401),
        variants=[
            Case(
                "get",
                lambda w: f"/api/v1/users/{UserFactory(region=w.other_region).pk}",
                allowed(["sysadmin"], ok=404, anonymous=401),
            )
        ],
    ),
    ("put", "/api/v1/users/{user_id}"): Case(
        "put",
        lambda w: f"/api/v1/users/{w.actors['unit_a_editor'].pk}",
        allowed(["sysadmin"], anonymous=401),
        data=lambda w, a: {"full_name": "陈静", "role": "unit_editor", "unit_code": "105"},
        json=True,
    ),
}


def _page_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x) or None
                walk(p, ns)
            elif isinstance(p, URLPattern):
                names.add(f"{namespace}:{p.name}" if namespace else str(p.name))

    walk(get_resolver(), None)
    return names


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path) for path, ops in schema["paths"].items() for method in ops}


def test_every_route_is_in_the_matrix() -> None:
    api_route_names = {n for n in _page_names() if n.startswith("api-1:")} - {
        "api-1:openapi-json",
        "api-1:openapi-view",
        "api-1:api-root",
    }
    pages = _page_names() - api_route_names
    assert pages - PAGES.keys() == set(), "pages missing from the permission matrix"
    assert PAGES.keys() - pages == set(), "matrix names pages that do not exist"
    assert _api_operations() - API.keys() == set(), "API operations missing from the permission matrix"
    assert API.keys() - _api_operations() == set(), "matrix names API operations that do not exist"


def _request(client: Client, case: Case, world: World, actor: str) -> int:
    url = case.url(world)
    data = case.data(world, actor) if case.data else None
    method = getattr(client, case.method)
    if case.json:
        response = method(url, data=data, content_type="application/json")
    elif data is not None and "file" in data:
        upload = data["file"]
        upload.name = data["name"]
        response = method(url, data={"file": upload, **data.get("extra", {})})
    else:
        response = method(url, data=data or {})
    if response.streaming:
        # A download holds its file open until its stream is read to the end, which closes it.
        # Never call response.close() here: it fires request_finished, which on PostgreSQL closes
        # the connection that holds the test's transaction.
        b"".join(response.streaming_content)
    return int(response.status_code)


def _run(case: Case, world: World, client_for: Any) -> list[str]:
    wrong = []
    for actor in ACTOR_NAMES:
        for variant in [case, *case.variants]:
            status = _request(client_for(actor), variant, world, actor)
            if status != variant.expected[actor]:
                wrong.append(
                    f"{actor} {variant.method.upper()} {variant.url(world)}: {status}, expected {variant.expected[actor]}"
                )
    return wrong


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permissions(name: str, world: World, client_for: Any) -> None:
    assert _run(PAGES[name], world, client_for) == []


@pytest.mark.parametrize("operation", sorted(API), ids=lambda op: f"{op[0]} {op[1]}")
def test_api_permissions(operation: tuple[str, str], world: World, client_for: Any) -> None:
    assert _run(API[operation], world, client_for) == []


def test_api_token_acts_with_its_users_reach(world: World, client: Client) -> None:
    from jixiao.accounts.services import token_create

    _, key = token_create(actor=world.actors["unit_a_editor"], name="推送")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/v1/units/{world.unit_a.pk}", **auth).status_code == 200
    assert client.get(f"/api/v1/units/{world.unit_b.pk}", **auth).status_code == 404
    assert client.get("/api/v1/users", **auth).status_code == 403
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer jx_wrong").status_code == 401
    listed = client.get("/api/v1/units", **auth).json()["items"]
    assert [u["code"] for u in listed] == ["105"]
