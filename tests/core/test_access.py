from jixiao.core.access import (
    PERMISSIONS,
    ROLE_PERMISSIONS,
    Reach,
    Role,
    check_vocabulary,
    role_permissions,
    role_reach,
)


def test_the_table_only_grants_defined_permissions() -> None:
    assert check_vocabulary() == []


def test_unknown_roles_fail_closed() -> None:
    assert role_permissions("superuser") == frozenset()
    assert role_reach("superuser") is Reach.NONE


def test_separation_of_duties() -> None:
    # 三员分立: the administrator manages accounts and sees no unit's business data; the auditor
    # reads and changes nothing.
    assert "accounts.manage" in ROLE_PERMISSIONS[Role.SYSADMIN]
    assert role_reach(Role.SYSADMIN) is Reach.NONE
    assert "audit.view" not in ROLE_PERMISSIONS[Role.SYSADMIN]
    reads = {p for p in PERMISSIONS if p.endswith(".view")}
    writes = set(PERMISSIONS) - reads
    assert {"goals.edit", "goals.office_review", "goals.rules", "library.curate", "budget.import"} <= writes
    assert not ROLE_PERMISSIONS[Role.AUDITOR] & writes
    assert not ROLE_PERMISSIONS[Role.OFFICE] & {"accounts.manage"}
