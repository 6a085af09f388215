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
    with scopes_disabled():
        assert Unit.objects.count() == 91
        assert FinanceSection.objects.count() == len(demo_data.SECTIONS)
        assert Unit.objects.filter(section__isnull=True).count() == 0
        education = Unit.objects.get(code=demo_data.KEY_UNITS["education_bureau"])
        assert education.children.count() >= 5
    for login in DEMO_LOGINS:
        assert login.username in out
        client = Client()
        response = client.post("/login/", {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        assert client.get("/").status_code == 200, login.username
    # A second run with --if-empty changes nothing and still prints the logins. (The goal-sheet
    # demo adds the other units' editors and leaders and the sections' reviewers.)
    users = User.objects.count()
    call_command("demo", "--if-empty")
    assert "已存在" in capsys.readouterr().out
    assert User.objects.count() == users


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
