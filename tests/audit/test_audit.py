import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jixiao.accounts import services as accounts
from jixiao.audit.models import AppendOnlyError, AuditEntry
from jixiao.audit.services import log_action, mask_secrets
from jixiao.org import services as org
from tests.conftest import World

UNITS_CSV = "单位编码,单位名称,单位类型,主管部门编码\n120,株洲市渌口区司法局,行政,\n".encode()


def _lock(world: World) -> None:
    user = world.actors["unit_b_editor"]
    user.locked_until = timezone.now() + dt.timedelta(minutes=10)
    user.save(update_fields=["locked_until"])


WRITES: dict[str, tuple[str, Callable[[World], Any]]] = {
    "user_create": (
        "accounts.user.created",
        lambda w: accounts.user_create(
            actor=w.actors["sysadmin"],
            username="newbie",
            full_name="新人",
            role="unit_editor",
            region=w.region,
            unit=w.unit_b,
            password="Initial-Passw0rd!",
        ),
    ),
    "user_update": (
        "accounts.user.updated",
        lambda w: accounts.user_update(
            actor=w.actors["sysadmin"],
            user=w.actors["unit_b_editor"],
            full_name="改名",
            role="unit_editor",
            region=w.region,
            unit=w.unit_b,
            section=None,
            organization="",
            phone="0731-1",
            is_active=True,
        ),
    ),
    "user_reset_password": (
        "accounts.user.password_reset",
        lambda w: accounts.user_reset_password(
            actor=w.actors["sysadmin"], user=w.actors["unit_b_editor"], password="Temp-Passw0rd!x"
        ),
    ),
    "user_unlock": (
        "accounts.user.unlocked",
        lambda w: (_lock(w), accounts.user_unlock(actor=w.actors["sysadmin"], user=w.actors["unit_b_editor"])),
    ),
    "password_change_own": (
        "accounts.password_changed",
        lambda w: accounts.password_change_own(
            actor=w.actors["office"], old_password="Test-Passw0rd!", new_password="Another-Passw0rd!2"
        ),
    ),
    "token_create": ("accounts.token.created", lambda w: accounts.token_create(actor=w.actors["office"], name="推送")),
    "unit_import_commit": (
        "org.units.imported",
        lambda w: org.unit_import_commit(actor=w.actors["office"], region=w.region, filename="u.csv", data=UNITS_CSV),
    ),
    "unit_update": (
        "org.unit.updated",
        lambda w: org.unit_update(
            actor=w.actors["office"],
            unit=w.unit_b,
            name="公安分局",
            kind="administrative",
            parent=None,
            section=None,
            active=True,
        ),
    ),
    "section_save": (
        "org.section.created",
        lambda w: org.section_save(
            actor=w.actors["office"], region=w.region, section=None, name="综合股", duties="", units=[w.unit_b]
        ),
    ),
    "fiscal_year_create": (
        "org.fiscal_year.created",
        lambda w: org.fiscal_year_create(actor=w.actors["office"], region=w.region, year=2027),
    ),
    "fiscal_year_set_phases": (
        "org.fiscal_year.phases_updated",
        lambda w: org.fiscal_year_set_phases(
            actor=w.actors["office"],
            fiscal_year=w.fiscal_year,
            windows={"goals": (dt.date(2025, 9, 1), dt.date(2025, 11, 30))},
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_service_write_leaves_exactly_one_entry(name: str, world: World) -> None:
    action, call = WRITES[name]
    before = set(AuditEntry.objects.values_list("id", flat=True))
    call(world)
    new = AuditEntry.objects.exclude(id__in=before)
    assert [e.action for e in new] == [action]
    assert new.get().actor is not None


def test_token_revoke_leaves_one_entry(world: World) -> None:
    token, _ = accounts.token_create(actor=world.actors["office"], name="推送")
    count = AuditEntry.objects.count()
    accounts.token_revoke(actor=world.actors["office"], token=token)
    assert AuditEntry.objects.count() == count + 1
    assert AuditEntry.objects.first().action == "accounts.token.revoked"  # type: ignore[union-attr]


def test_a_write_that_changes_nothing_leaves_no_entry(world: World) -> None:
    unit = world.unit_b
    count = AuditEntry.objects.count()
    org.unit_update(
        actor=world.actors["office"],
        unit=unit,
        name=unit.name,
        kind=unit.kind,
        parent=None,
        section=world.other_section,
        active=True,
    )
    assert AuditEntry.objects.count() == count


def test_entries_cannot_be_changed_or_deleted(world: World) -> None:
    entry = log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_a, data={"x": 1})
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    assert AuditEntry.objects.get(pk=entry.pk).action == "org.unit.updated"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; SQLite relies on the model guards"
)
def test_postgresql_refuses_raw_updates_and_deletes(world: World) -> None:
    from django.db import DatabaseError

    entry = log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_a)
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])


def test_unregistered_actions_are_refused(world: World) -> None:
    with pytest.raises(ValueError, match="unregistered"):
        log_action(actor=world.actors["office"], action="org.unit.teleported")


def test_secrets_are_masked() -> None:
    assert mask_secrets({"password": "x", "nested": [{"api_token": "y", "name": "z"}]}) == {
        "password": "***",
        "nested": [{"api_token": "***", "name": "z"}],
    }


def test_entries_carry_unit_and_region_of_their_target(world: World) -> None:
    entry = log_action(actor=world.actors["office"], action="org.unit.updated", target=world.unit_a_child)
    assert (entry.unit, entry.region, entry.target_type, entry.target_id) == (
        world.unit_a_child,
        world.region,
        "org.unit",
        str(world.unit_a_child.pk),
    )
