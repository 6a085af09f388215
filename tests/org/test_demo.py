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
    # A second run with --if-empty changes nothing and still prints the logins.
    call_command("demo", "--if-empty")
    assert "已存在" in capsys.readouterr().out
    assert User.objects.count() == len(DEMO_LOGINS)


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
