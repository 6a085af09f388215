"""The demo district: 株洲市渌口区 as the bureau's 2023 report describes it (91 budget units),
built deterministically so that every developer, test and screenshot sees the same district.
Later stages extend ``build_demo`` with projects, goal sheets, monitoring and evaluations."""

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.core.access import Role
from jixiao.org import demo_data
from jixiao.org.models import FinanceSection, FiscalYear, PhaseWindow, Region, Unit
from jixiao.org.services import default_phase_dates

DEMO_PASSWORD = "Jixiao@2026"  # noqa: S105  (printed for the demo; demo only)
DEMO_YEARS = (2025, 2026, 2027)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: Role
    unit_key: str = ""
    section: str = ""
    organization: str = ""


DEMO_LOGINS = (
    DemoLogin("jxg", "周敏", Role.OFFICE),
    DemoLogin("jkw", "刘洋", Role.SECTION, section="教科文股"),
    DemoLogin("jyj", "陈静", Role.UNIT_EDITOR, unit_key="education_bureau"),
    DemoLogin("jyjfz", "王建国", Role.UNIT_LEADER, unit_key="education_bureau"),
    DemoLogin("gaj", "李强", Role.UNIT_EDITOR, unit_key="police"),
    DemoLogin("dsf", "赵磊", Role.AGENCY, organization="湖南湘江会计师事务所有限公司"),
    DemoLogin("sj", "孙丽", Role.AUDITOR),
    DemoLogin("admin", "系统管理员", Role.SYSADMIN),
)


def demo_exists() -> bool:
    return Region.objects.filter(code=demo_data.REGION[0]).exists()


@transaction.atomic
def build_demo(*, seed: int = 20231) -> Region:
    """Create the demo district in one transaction. ``seed`` fixes every random choice."""
    rng = random.Random(seed)
    problems = demo_data.check()
    if problems:
        raise ValueError(f"demo data is inconsistent: {problems}")
    city = Region.objects.create(code=demo_data.PARENT_REGION[0], name=demo_data.PARENT_REGION[1])
    region = Region.objects.create(code=demo_data.REGION[0], name=demo_data.REGION[1], parent=city)
    for year in DEMO_YEARS:
        fiscal_year = FiscalYear.objects.create(region=region, year=year)
        PhaseWindow.objects.bulk_create(
            PhaseWindow(fiscal_year=fiscal_year, phase=phase, starts_on=start, ends_on=end)
            for phase, (start, end) in default_phase_dates(year).items()
        )
    sections = {
        name: FinanceSection.objects.create(region=region, name=name, duties=duties)
        for name, duties in demo_data.SECTIONS
    }
    units: dict[str, Unit] = {}
    for code, name, kind, parent_code, section_name in demo_data.UNITS:
        units[code] = Unit.objects.create(
            region=region,
            code=code,
            name=name,
            kind=kind,
            parent=units[parent_code] if parent_code else None,
            section=sections[section_name],
        )
    now = timezone.now()
    for login in DEMO_LOGINS:
        user = User(
            username=login.username,
            full_name=login.full_name,
            role=login.role,
            region=region,
            unit=units[demo_data.KEY_UNITS[login.unit_key]] if login.unit_key else None,
            section=sections[login.section] if login.section else None,
            organization=login.organization,
            phone=f"0731-{rng.randint(22000000, 22999999)}",
            password_changed_at=now,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    log_action(
        actor=None,
        actor_name="jixiao demo",
        action="system.demo_loaded",
        region=region,
        data={
            "seed": seed,
            "units": len(units),
            "sections": len(sections),
            "years": list(DEMO_YEARS),
            "users": [login.username for login in DEMO_LOGINS],
        },
    )
    return region


def logins_text() -> str:
    from jixiao.core.access import ROLE_LABELS

    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    for login in DEMO_LOGINS:
        where = login.section or login.organization or login.unit_key
        if login.unit_key:
            where = next(name for code, name, *_ in demo_data.UNITS if code == demo_data.KEY_UNITS[login.unit_key])
        lines.append(f"  {login.username:<8} {ROLE_LABELS[login.role]:<10} {login.full_name} {where}")
    return "\n".join(lines)
