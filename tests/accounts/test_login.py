import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from jixiao.audit.models import AuditEntry
from tests.conftest import World
from tests.factories import PASSWORD


def login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_login_and_logout_are_audited(world: World, client: Client) -> None:
    response = login(client, "unit_a_editor", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout/")
    actions = list(
        AuditEntry.objects.filter(actor=world.actors["unit_a_editor"]).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["accounts.login", "accounts.logout"]


def test_five_failures_lock_the_account_for_fifteen_minutes(world: World, client: Client) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for attempt in range(1, 6):
            page = login(client, "unit_a_editor", "wrong").content.decode()
            assert "用户名或密码错误，或账户已被锁定" in page, attempt
        user = world.actors["unit_a_editor"]
        user.refresh_from_db()
        assert user.is_locked()
        # The right password is refused while locked, with the same answer as a wrong one.
        response = login(client, "unit_a_editor", PASSWORD)
        assert response.status_code == 200 and "用户名或密码错误，或账户已被锁定" in response.content.decode()
        traveller.shift(dt.timedelta(minutes=14, seconds=59))
        assert login(client, "unit_a_editor", PASSWORD).status_code == 200
        traveller.shift(dt.timedelta(seconds=2))
        assert login(client, "unit_a_editor", PASSWORD).status_code == 302
    failures = AuditEntry.objects.filter(
        action="accounts.login_failed", target_id=str(world.actors["unit_a_editor"].pk)
    )
    assert failures.count() == 7
    assert failures.filter(data__locked_until__isnull=False).count() == 1


def test_unknown_usernames_fail_the_same_way_and_are_logged(world: World, client: Client) -> None:
    page = login(client, "nobody", "whatever").content.decode()
    assert "用户名或密码错误" in page
    entry = AuditEntry.objects.get(action="accounts.login_failed")
    assert entry.actor_name == "nobody" and entry.data["reason"] == "unknown_user"


def test_success_resets_the_failure_count(world: World, client: Client) -> None:
    for _ in range(4):
        login(client, "unit_a_editor", "wrong")
    assert login(client, "unit_a_editor", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        login(client, "unit_a_editor", "wrong")
    assert login(client, "unit_a_editor", PASSWORD).status_code == 302


def test_idle_sessions_end_after_thirty_minutes(world: World, client: Client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        login(client, "office", PASSWORD)
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/org/units/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="accounts.session_expired", actor=world.actors["office"]).count() == 1
    assert not AuditEntry.objects.filter(action="accounts.logout").exists()


def test_accounts_created_by_an_administrator_must_change_their_password(world: World, client: Client) -> None:
    editor = world.actors["unit_b_editor"]
    editor.must_change_password = True
    editor.save()
    login(client, "unit_b_editor", PASSWORD)
    assert client.get("/org/units/")["Location"] == "/password/"
    assert client.get("/api/v1/me").status_code == 403
    page = client.post(
        "/password/", {"old_password": PASSWORD, "new_password": "abc", "new_password2": "abc"}
    ).content.decode()
    assert "密码长度太短" in page or "至少" in page
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password": "Brand-New-Passw0rd", "new_password2": "Brand-New-Passw0rd"},
    )
    assert response.status_code == 302
    assert client.get("/org/units/").status_code == 200


def test_secure_cookies_and_headers_over_https(settings: Any, world: World, client: Client) -> None:
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_login_page_states_the_configured_limits(settings: Any, world: World, client: Client) -> None:
    settings.LOCKOUT_ATTEMPTS, settings.LOCKOUT_MINUTES, settings.IDLE_TIMEOUT_MINUTES = 3, 20, 10
    page = client.get("/login/").content.decode()
    assert "连续 3 次输错密码，账户将锁定 20 分钟；10 分钟未操作将自动退出" in page
