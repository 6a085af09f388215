from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.accounts.models import User
from jixiao.org import demo_data
from jixiao.org.demo import DEMO_LOGINS, DEMO_PASSWORD
from jixiao.org.models import FinanceSection, Unit


def test_demo_data_is_consistent() -> None:
    assert demo_data.check() == []


@pytest.mark.django_db
def test_demo_builds_the_district_and_every_login_works(settings: Any, capsys: Any) -> None:
    call_command("demo", "--if-empty")
    out = capsys.readouterr().out
    _key_evaluations_and_results(out)
    with scopes_disabled():
        assert Unit.objects.count() == 91
        assert FinanceSection.objects.count() == len(demo_data.SECTIONS)
        assert Unit.objects.filter(section__isnull=True).count() == 0
        education = Unit.objects.get(code=demo_data.KEY_UNITS["education_bureau"])
        assert education.children.count() >= 5
    # The demo logins, and the two agencies' evaluators the key evaluation demo adds.
    for username in [login.username for login in DEMO_LOGINS] + ["dsf2", "dsf3"]:
        assert username in out
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username
    # A second run with --if-empty changes nothing and still prints the logins. (The goal-sheet
    # demo adds the other units' editors and leaders and the sections' reviewers.)
    users = User.objects.count()
    call_command("demo", "--if-empty")
    assert "已存在" in capsys.readouterr().out
    assert User.objects.count() == users


def _key_evaluations_and_results(out: str) -> None:
    """The key evaluation demo (three agencies, evaluations in every state, the two the
    rectification demo quotes), its link into rectification, and the 2027 recommendations."""
    from decimal import Decimal

    from django.utils import timezone

    from jixiao.audit.models import AuditEntry
    from jixiao.keyeval.models import Agency, Evaluation, Status
    from jixiao.keyeval.selectors import records
    from jixiao.rectification.models import Item, Source
    from jixiao.results.models import Recommendation
    from jixiao.results.models import Status as RecStatus

    now = timezone.now()
    with scopes_disabled():
        agencies = list(Agency.objects.prefetch_related("members"))
        assert len(agencies) == 3
        assert sorted(u.username for a in agencies for u in a.members.all()) == ["dsf", "dsf2", "dsf3"]
        evaluations = list(
            Evaluation.objects.select_related("project", "agency", "fiscal_year").prefetch_related("items")
        )
        assert len(evaluations) == 13
        assert {e.status for e in evaluations} == set(Status.values)
        rated = [e for e in evaluations if e.status == Status.RATED]
        assert {e.fiscal_year.year for e in rated} == {2022, 2023}
        assert {"优", "良", "中"} <= {e.grade for e in rated}
        for name, total in (("农村义务教育学生营养改善计划", Decimal("81.5")), ("华新水泥垃圾处置费", Decimal(84))):
            (quoted,) = [e for e in rated if e.project.name == name and e.fiscal_year.year == 2023]
            assert quoted.total == total and quoted.grade == "良"
            assert quoted.agency is not None and quoted.agency.name == "湖南湘江会计师事务所有限公司"
        for e in evaluations:
            if e.total is not None:
                assert e.total == sum(i.score for i in e.items.all())
            stamps = [e.created_at, e.assigned_at, e.submitted_at, e.rated_at]
            shown = [t for t in stamps if t is not None]
            assert shown == sorted(shown) and shown[-1] < now, e
        assert sum(e.returns for e in evaluations) == 1
        assert all(70 <= e.quality <= 95 and e.quality_note for e in rated if e.quality is not None)
        # The agencies' records differ: how many, the average quality, lateness.
        kept = records([a.pk for a in agencies])
        assert len({(r.rated, r.quality, r.late) for r in kept.values()}) == 3
        assert AuditEntry.objects.filter(action="keyeval.evaluation.rated").count() == len(rated)
        # dsf has the declaration of the evaluation commissioned last to sign.
        (waiting,) = [e for e in evaluations if e.status == Status.ASSIGNED]
        assert waiting.agency is not None and [u.username for u in waiting.agency.members.all()] == ["dsf"]
        # Rectification items from a key evaluation of a project link the rated evaluation.
        items = [i for i in Item.objects.filter(source=Source.EVALUATION) if i.project_id is not None]
        assert len(items) == 2
        for item in items:
            linked = item.evaluation
            assert linked is not None and linked.status == Status.RATED and linked.rated_at is not None
            assert linked.project_id == item.project_id and linked.rated_at < item.created_at
        recommendations = list(Recommendation.objects.filter(budget_year__year=2027))
        assert len(recommendations) > 1000
        decided = [r for r in recommendations if r.status != RecStatus.DRAFT]
        overridden = [r for r in decided if r.status == RecStatus.OVERRIDDEN]
        assert 3 <= len(overridden) <= 6 and all(r.decision_note for r in overridden)
        assert len(decided) > 20 and any(r.status == RecStatus.DRAFT and r.action != "none" for r in recommendations)
        assert all(r.drafted_at < r.decided_at < now for r in decided if r.decided_at)
    assert "重点评价 13 项" in out and "第三方机构 3 家" in out and "2027 年度结果应用建议" in out


@pytest.mark.django_db
def test_demo_is_deterministic() -> None:
    from django.db import transaction

    from jixiao.org.demo import build_demo

    def build(seed: int) -> tuple[list[Any], list[Any]]:
        with transaction.atomic():
            build_demo(seed=seed)
            users = list(
                User.objects.order_by("username").values_list("username", "phone", "unit__code", "section__name")
            )
            with scopes_disabled():
                units = list(
                    Unit.objects.order_by("code").values_list("code", "name", "kind", "parent__code", "section__name")
                )
            transaction.set_rollback(True)
        return users, units

    first, again, other = build(7), build(7), build(8)
    assert first == again
    assert first[1] == other[1] and first[0] != other[0]  # the tree is data; the seed varies the rest


@pytest.mark.django_db
def test_demo_money_follows_the_issue() -> None:
    from django.db.models import Max, Sum

    from jixiao.budget.models import Execution, Project, UnitBudget

    call_command("demo")
    with scopes_disabled():
        by_year = {y: Project.objects.filter(fiscal_year__year=y).count() for y in (2022, 2023, 2026)}
        assert 1300 <= by_year[2026] <= 1700 and by_year[2022] > 1000 and by_year[2023] > 1000
        names = set(Project.objects.filter(fiscal_year__year=2026).values_list("name", flat=True))
        for seed_project in (
            "平安城市视频监控运行维护",
            "华新水泥垃圾处置费",
            "基本公共卫生服务",
            "信访特护期维稳",
            "农村公路安防",
            "路灯维护",
            "生活垃圾收集和压缩",
            "养老机构运营补贴和公办养老院运转经费",
            "农产品质量安全抽检专项",
        ):
            assert seed_project in names, seed_project
        assert Execution.objects.filter(project__fiscal_year__year=2026).aggregate(m=Max("month"))["m"] == 8
        assert Execution.objects.filter(project__fiscal_year__year=2023).aggregate(m=Max("month"))["m"] == 12
        assert Project.objects.filter(fiscal_year__year=2026, is_special_bond=True).exists()
        # Every project line is within its unit's declared project expenditure.
        declared = UnitBudget.objects.filter(fiscal_year__year=2026).aggregate(s=Sum("project_expenditure"))["s"]
        assert declared == Project.objects.filter(fiscal_year__year=2026).aggregate(s=Sum("initial_budget"))["s"]
        # Nothing is paid beyond its budget.
        over = [
            p
            for p in Project.objects.filter(fiscal_year__year=2026).annotate(paid=Sum("executions__amount"))
            if p.paid and p.paid > p.adjusted_budget
        ]
        assert over == []
