import json
import random
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django_scopes import scopes_disabled

from jixiao.accounts.models import User
from jixiao.accounts.permissions import has_perm, region_ids_for, unit_ids_for
from jixiao.audit.models import AuditEntry
from jixiao.budget.demo import build_budget_demo
from jixiao.budget.models import Project
from jixiao.core import checks
from jixiao.core.data import read_data
from jixiao.core.sheet import GoalSheet as CoreSheet
from jixiao.core.sheet import ProjectInfo
from jixiao.core.workflow import TRANSITIONS, Action, State
from jixiao.goals import review
from jixiao.goals.demo import build_goals_demo
from jixiao.goals.demo import defects as demo_defects
from jixiao.goals.demo.writer import Content, LibraryItem, ProjectFacts, Writer
from jixiao.goals.models import Comment, Event, GoalSheet, Kind
from jixiao.library.services import library_load_starter
from jixiao.org.demo import build_demo

# 教育局 and 公安局 (the demo logins' units) with a few others, sub-units included: a fifth of
# the district, enough for every state and every login's queue.
UNITS = {"125", "121", "127", "131", "132", "138", "146"}

# --- the writer, without a database ----------------------------------------------------------

LIBRARY = json.loads(read_data("library/indicators.json"))
CATEGORIES = {c["code"]: c for c in json.loads(read_data("library/categories.json"))["categories"]}
LIGHTS = ProjectFacts(
    code="43021220180001440001",
    name="路灯维护",
    category="C28",
    description="负责城区及主要干道路灯、景观亮化设施的日常巡查、维修更换和电费保障，确保主次干道亮灯率。",
    start_year=2018,
    end_year=2028,
    total=Decimal("2650000"),
    position=0.5,
)


def _writer() -> Writer:
    items = [
        LibraryItem(
            pk=None,
            code=i["code"],
            name=i["name"],
            level1=i["level1"],
            level2=i["level2"],
            unit=i.get("unit", ""),
            symbol=i["symbols"][0],
            low=Decimal(i["typical"]["low"]) if "typical" in i else None,
            high=Decimal(i["typical"]["high"]) if "typical" in i else None,
            basis=i["basis"],
            source=i.get("data_source", ""),
            categories=tuple(i["categories"]),
            keywords=tuple(i.get("keywords", ())),
        )
        for i in LIBRARY
    ]
    return Writer(items, year=2026, domains={code: c["domain"] for code, c in CATEGORIES.items()})


def _review(content: Content, project: ProjectFacts) -> list[checks.Finding]:
    category = CATEGORIES[project.category]
    total = content.total or project.total
    sheet = CoreSheet(
        kind="project",
        year=2026,
        unit_code="144",
        project=ProjectInfo(
            name=project.name,
            category=category["name"],
            description=project.description,
            start_year=project.start_year,
            end_year=project.end_year,
        ),
        total=total,
        by_source={"general_public": total},
        goal=content.goal,
        long_term_goal=content.long_term_goal,
        indicators=[r.to_core() for r in content.rows],
    )
    names = {code: c["name"] for code, c in CATEGORIES.items()}
    context = checks.Context(
        library=checks.library_entries(LIBRARY, category_names=names),
        category_names=[category["name"], category["domain"]],
        approved_amount=project.total,
    )
    return checks.review(sheet, context)


def test_a_sound_sheet_reads_like_a_unit_wrote_it_and_passes_the_review() -> None:
    content = _writer().sound(LIGHTS, random.Random(1))

    levels = Counter(r.level1 for r in content.rows)
    assert {"产出指标", "成本指标", "效益指标", "满意度指标"} <= set(levels)
    assert {r.level2 for r in content.rows if r.level1 == "产出指标"} == {"数量指标", "质量指标", "时效指标"}
    assert all(r.value and r.source and r.basis for r in content.rows)
    assert "路灯" in " ".join(r.name for r in content.rows)
    assert content.goal.startswith("2026年") and any(ch.isdigit() for ch in content.goal[5:])
    assert content.long_term_goal.startswith("2018—2028年")
    assert [f.rule for f in _review(content, LIGHTS) if f.severity != "info"] == []


@pytest.mark.parametrize(
    ("defect", "rule"),
    [
        ("vague_value", "clarity.vague-wording"),
        ("vague_time", "measurability.time-no-deadline"),
        ("satisfaction_100", "reasonableness.satisfaction-100"),
        ("satisfaction_no_one", "clarity.satisfaction-no-respondent"),
        ("rate_over_100", "reasonableness.rate-over-100"),
        ("missing_benefit", "completeness.missing-benefit"),
        ("missing_cost", "completeness.missing-cost"),
        ("execution_rate", "clarity.management-as-output"),
        ("output_as_benefit", "clarity.output-as-benefit"),
        ("cost_is_budget", "reasonableness.cost-equals-budget"),
        ("unrelated", "relevance.unrelated-indicator"),
        ("placeholder", "measurability.placeholder"),
        ("not_a_number", "measurability.not-a-number"),
        ("no_sources", "measurability.no-data-source"),
        ("vague_goal", "clarity.vague-goal"),
        ("completion_only", "reasonableness.self-referential"),
        ("no_satisfaction", "completeness.missing-satisfaction"),
        ("old_amount", "consistency.funds-vs-budget"),
    ],
)
def test_each_defect_is_one_the_review_catches(defect: str, rule: str) -> None:
    writer = _writer()
    sound = writer.sound(LIGHTS, random.Random(2))

    spoilt = demo_defects.spoil(sound, LIGHTS, writer, random.Random(3), count=1, only=(defect,))

    assert spoilt.defects == [defect]
    assert rule in {f.rule for f in _review(spoilt, LIGHTS)}
    assert sound.defects == []  # the sound version is left as it was


def test_a_wrong_year_is_only_put_where_the_review_sees_it() -> None:
    writer = _writer()
    new = ProjectFacts(**{**LIGHTS.__dict__, "start_year": 2026, "end_year": 2027})

    kept = demo_defects.spoil(
        writer.sound(LIGHTS, random.Random(4)), LIGHTS, writer, random.Random(5), count=1, only=("wrong_year",)
    )
    spoilt = demo_defects.spoil(
        writer.sound(new, random.Random(4)), new, writer, random.Random(5), count=1, only=("wrong_year",)
    )

    assert kept.defects == []  # 2025 lies within 2018–2028: not plainly wrong
    assert spoilt.goal.startswith("2025年")
    assert "clarity.goal-other-year" in {f.rule for f in _review(spoilt, new)}


# --- the season, on a database --------------------------------------------------------------


@pytest.fixture
def season(db: Any) -> dict[str, int]:
    region = build_demo(seed=20231)
    build_budget_demo(region=region, seed=20231)
    library_load_starter(actor=None, region=region, actor_name="jixiao demo")
    return build_goals_demo(region=region, seed=20231, units=UNITS)


def _reach(username: str) -> Any:
    user = User.objects.get(username=username)
    ids = unit_ids_for(user, region_ids_for(user))
    sheets = GoalSheet.objects.all() if ids is None else GoalSheet.objects.filter(unit_id__in=ids)
    return user, sheets


@scopes_disabled()
def test_the_goals_demo_is_a_living_review_season(season: dict[str, int]) -> None:
    projects = Project.objects.filter(fiscal_year__year=2026).select_related("unit__parent")
    mine = [p for p in projects if (p.unit.parent or p.unit).code in UNITS]
    sheets = list(GoalSheet.objects.select_related("unit", "project", "fiscal_year", "region", "project__category"))

    # A sheet for every project, and one for every top-level unit with projects.
    per_project = Counter(s.project_id for s in sheets if s.kind == Kind.PROJECT)
    assert sorted(per_project) == sorted(p.pk for p in mine) and set(per_project.values()) == {1}
    tops = {(p.unit.parent or p.unit).pk for p in mine}
    assert {s.unit_id for s in sheets if s.kind == Kind.DEPARTMENT} == tops
    assert season["sheets"] == len(sheets) == len(mine) + len(tops)

    # Every state, and about a third of the sheets with something to say about them.
    states = Counter(s.status for s in sheets)
    assert set(states) == {s.value for s in State}
    assert states[State.APPROVED] > len(sheets) / 3
    flagged = sum(1 for s in sheets if s.errors or s.warnings)
    assert 0.25 <= flagged / len(sheets) <= 0.45

    for s in sheets:
        if s.errors:
            assert s.status in (State.DRAFT, State.RETURNED), s
        if s.status == State.APPROVED:
            assert not s.findings.filter(severity="error").exists()
            assert s.snapshots.filter(approved_version=s.approved_version).exists() and s.approved_version >= 1
            assert s.grade in ("优", "良")
            assert not s.warnings or s.justification
        if s.status == State.RETURNED:
            last = s.events.order_by("-created_at", "-id").first()
            assert last is not None and last.to_status == State.RETURNED and last.reason
            assert Comment.objects.filter(event=last).exists() or s.kind == Kind.DEPARTMENT
        if s.status == State.REJECTED:
            assert s.grade == "差"
        # The history leads to the state, step by step, each by someone allowed to take it.
        status = State.DRAFT.value
        for event in s.events.order_by("created_at", "id").select_related("actor"):
            assert event.from_status == status
            assert event.actor is not None and has_perm(event.actor, TRANSITIONS[Action(event.action)].perm, s)
            status = event.to_status
        assert status == s.status
        assert s.snapshots.count() == s.events.filter(action=Action.SUBMIT).count()

    # What is stored is what the review says of the stored sheet.
    for s in random.Random(1).sample(sheets, 40):
        fresh = checks.review(review.to_core(s), review.context_for(s))
        assert sorted((f.rule, f.indicator) for f in fresh) == sorted(s.findings.values_list("rule", "indicator"))

    assert AuditEntry.objects.filter(action="goals.demo_loaded").count() == 1


@scopes_disabled()
def test_every_demo_login_finds_work_in_the_season(season: dict[str, int]) -> None:
    _, editor = _reach("jyj")
    assert editor.filter(status=State.RETURNED, comments__isnull=False).exists()
    assert editor.filter(status=State.DRAFT).exclude(errors=0, warnings=0).exists()
    assert editor.filter(status=State.APPROVED).count() >= 3
    _, police = _reach("gaj")
    assert police.filter(status=State.RETURNED).exists() and police.filter(status=State.APPROVED).exists()
    assert _reach("jyjfz")[1].filter(status=State.LEADER).count() >= 3
    assert _reach("jkw")[1].filter(status=State.SECTION).exists()
    assert _reach("jxg")[1].filter(status=State.OFFICE).count() >= 10


@pytest.mark.django_db
@scopes_disabled()
def test_the_season_is_the_same_whichever_day_and_hour_it_is_built() -> None:
    def build(when: str) -> tuple[list[Any], int]:
        with time_machine.travel(when, tick=False), transaction.atomic():
            region = build_demo(seed=7)
            build_budget_demo(region=region, seed=7)
            library_load_starter(actor=None, region=region, actor_name="jixiao demo")
            build_goals_demo(region=region, seed=7, units={"121"})
            sheets = list(
                GoalSheet.objects.order_by("kind", "project__code").values_list(
                    "project__code", "status", "grade", "errors", "warnings", "goal"
                )
            )
            events = Event.objects.count()
            transaction.set_rollback(True)
        return sheets, events

    assert build("2026-11-28 03:10 +0800") == build("2026-11-22 16:40 +0800")
