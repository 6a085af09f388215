from typing import Any

import pytest

from jixiao.accounts import services
from jixiao.accounts.models import User
from jixiao.audit.models import AuditEntry
from jixiao.core.errors import DomainError, Forbidden
from tests.conftest import World


def test_administrator_creates_a_unit_editor_in_the_browser(world: World, client_for: Any) -> None:
    client = client_for("sysadmin")
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "sfj",
            "full_name": "张三",
            "role": "unit_editor",
            "region": world.region.pk,
            "unit": world.unit_b.pk,
            "password": "Initial-Passw0rd!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="sfj")
    assert (user.unit, user.must_change_password, user.role) == (world.unit_b, True, "unit_editor")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "unit_editor", "unit": None}, "必须选择所在单位"),
        ({"role": "section", "unit": None, "section": None}, "必须选择所在股室"),
        ({"role": "auditor", "unit": "b"}, "请清空所在单位"),
        ({"password": "abcdefghij"}, "三类"),
        ({"password": "Short1!"}, "太短"),
        ({"username": "office"}, "已被使用"),
    ],
)
def test_bad_accounts_get_a_chinese_message_and_change_nothing(
    world: World, fields: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {
        "actor": world.actors["sysadmin"],
        "username": "newbie",
        "full_name": "新人",
        "role": "unit_editor",
        "region": world.region,
        "unit": world.unit_b,
        "section": None,
        "password": "Initial-Passw0rd!",
    }
    args.update(fields)
    if args.get("unit") == "b":
        args["unit"] = world.unit_b
    count = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError, match=message):
        services.user_create(**args)
    assert (User.objects.count(), AuditEntry.objects.count()) == count


def test_only_the_administrator_manages_accounts(world: World) -> None:
    for actor in ("office", "auditor", "unit_a_leader"):
        with pytest.raises(Forbidden):
            services.user_reset_password(
                actor=world.actors[actor], user=world.actors["unit_b_editor"], password="Temp-Passw0rd!x"
            )


def test_administrator_cannot_place_users_outside_its_region(world: World) -> None:
    with pytest.raises(Forbidden):
        services.user_create(
            actor=world.actors["sysadmin"],
            username="x",
            full_name="x",
            role="auditor",
            region=world.other_region,
            password="Initial-Passw0rd!",
        )


def test_unlock_and_reset_in_the_browser(world: World, client_for: Any) -> None:
    from django.utils import timezone

    target = world.actors["unit_b_editor"]
    target.locked_until = timezone.now() + timezone.timedelta(minutes=10)
    target.save()
    client = client_for("sysadmin")
    assert "锁定至" in client.get(f"/accounts/users/{target.pk}/").content.decode()
    client.post(f"/accounts/users/{target.pk}/unlock/")
    target.refresh_from_db()
    assert target.locked_until is None
    client.post(f"/accounts/users/{target.pk}/reset-password/", {"password": "Temp-Passw0rd!x"})
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Temp-Passw0rd!x")


def test_api_tokens_are_shown_once_and_stored_hashed(world: World, client_for: Any) -> None:
    client = client_for("office")
    client.post("/accounts/profile/tokens/", {"name": "一体化推送"})
    page = client.get("/accounts/profile/").content.decode()
    key = page.split('<code class="user-select-all">')[1].split("</code>")[0]
    assert key.startswith("jx_")
    assert key not in client.get("/accounts/profile/").content.decode()
    token = world.actors["office"].api_tokens.get()
    assert token.key_hash != key and len(token.key_hash) == 64
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["username"] == "office"
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    from django.test import Client

    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_api_creates_users_with_the_same_rules(world: World, client_for: Any) -> None:
    client = client_for("sysadmin")
    bad = client.post(
        "/api/v1/users",
        {"username": "x1", "full_name": "x", "role": "unit_editor", "password": "Initial-Passw0rd!"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "必须选择所在单位" in bad.json()["detail"]
    good = client.post(
        "/api/v1/users",
        {
            "username": "x1",
            "full_name": "x",
            "role": "unit_editor",
            "unit_code": "110",
            "password": "Initial-Passw0rd!",
        },
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["unit_code"] == "110" and good.json()["must_change_password"]


def test_token_audit_entries_name_the_token_by_its_prefix(world: World) -> None:
    token, key = services.token_create(actor=world.actors["office"], name="推送")
    entry = AuditEntry.objects.get(action="accounts.token.created")
    assert entry.data == {"prefix": token.prefix, "name": "推送"} and key.startswith(token.prefix)
    assert key not in str(entry.data)
