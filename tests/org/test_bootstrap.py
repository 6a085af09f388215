from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jixiao.accounts.models import User
from jixiao.audit.models import AuditEntry
from jixiao.org.models import Region


@pytest.mark.django_db
def test_bootstrap_creates_the_region_and_the_first_administrator(monkeypatch: Any) -> None:
    monkeypatch.setenv("JIXIAO_ADMIN_PASSWORD", "First-Admin-Passw0rd")
    call_command("bootstrap", "--region", "430212", "株洲市渌口区", "--parent", "430200", "株洲市", "--admin", "root1")
    region = Region.objects.get(code="430212")
    assert region.parent is not None and region.parent.code == "430200"
    admin = User.objects.get(username="root1")
    assert (admin.role, admin.region, admin.must_change_password) == ("sysadmin", region, True)
    assert AuditEntry.objects.filter(action="system.bootstrapped").count() == 1
    client = Client()
    client.post("/login/", {"username": "root1", "password": "First-Admin-Passw0rd"})
    assert client.get("/accounts/users/")["Location"] == "/password/"
    with pytest.raises(CommandError, match="已存在"):
        call_command("bootstrap", "--region", "430212", "株洲市渌口区", "--admin", "root2")


@pytest.mark.django_db
def test_bootstrap_refuses_bad_codes_and_weak_passwords(monkeypatch: Any) -> None:
    monkeypatch.setenv("JIXIAO_ADMIN_PASSWORD", "First-Admin-Passw0rd")
    with pytest.raises(CommandError, match="行政区划代码「4302」无效"):
        call_command("bootstrap", "--region", "4302", "某区", "--admin", "root1")
    monkeypatch.setenv("JIXIAO_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="太短"):
        call_command("bootstrap", "--region", "430212", "株洲市渌口区", "--admin", "root1")
    assert not Region.objects.exists() and not User.objects.exists()
