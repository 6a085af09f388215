"""The shared cast of actors every view and API test uses.

One region (渌口区) with a finance section overseeing unit A and its sub-unit; unit B belongs
to another section; a second region exists so that cross-region leaks show.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from jixiao.budget.models import ProjectCategory
from jixiao.budget.services import categories_load_defaults
from jixiao.library.services import library_load_starter
from jixiao.org.models import FiscalYear
from tests.factories import (
    FiscalYearFactory,
    ProjectFactory,
    RegionFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
)


@dataclass
class World:
    region: Any
    other_region: Any
    fiscal_year: Any
    section: Any
    other_section: Any
    unit_a: Any
    unit_a_child: Any
    unit_b: Any
    other_region_unit: Any
    actors: dict[str, Any]
    project_a: Any = None
    project_a_child: Any = None
    project_b: Any = None
    other_region_project: Any = None


ACTOR_NAMES = (
    "anonymous",
    "office",
    "section",
    "unit_a_editor",
    "unit_a_leader",
    "unit_b_editor",
    "agency",
    "auditor",
    "sysadmin",
)


@pytest.fixture
def world(db: Any) -> World:
    region = RegionFactory(code="430212", name="株洲市渌口区")
    other_region = RegionFactory(code="430211", name="株洲市天元区")
    fiscal_year = FiscalYearFactory(region=region, year=2026)
    FiscalYearFactory(region=other_region, year=2026)
    section = SectionFactory(region=region, name="教科文股")
    other_section = SectionFactory(region=region, name="行政政法股")
    unit_a = UnitFactory(region=region, code="105", name="株洲市渌口区教育局", section=section)
    unit_a_child = UnitFactory(
        region=region,
        code="105001",
        name="株洲市渌口区第一中学",
        parent=unit_a,
        section=section,
        kind="institution",
    )
    unit_b = UnitFactory(region=region, code="110", name="株洲市渌口区公安局", section=other_section)
    other_region_unit = UnitFactory(region=other_region, code="105", name="株洲市天元区教育局")
    actors = {
        "anonymous": None,
        "office": UserFactory(username="office", role="office", region=region),
        "section": UserFactory(username="section", role="section", region=region, section=section),
        "unit_a_editor": UserFactory(username="unit_a_editor", role="unit_editor", region=region, unit=unit_a),
        "unit_a_leader": UserFactory(username="unit_a_leader", role="unit_leader", region=region, unit=unit_a),
        "unit_b_editor": UserFactory(username="unit_b_editor", role="unit_editor", region=region, unit=unit_b),
        "agency": UserFactory(username="agency", role="agency", region=region, organization="某会计师事务所"),
        "auditor": UserFactory(username="auditor", role="auditor", region=region),
        "sysadmin": UserFactory(username="sysadmin", role="sysadmin", region=region),
    }
    world = World(
        region,
        other_region,
        fiscal_year,
        section,
        other_section,
        unit_a,
        unit_a_child,
        unit_b,
        other_region_unit,
        actors,
    )
    categories_load_defaults(actor=None, region=region, actor_name="test")
    categories_load_defaults(actor=None, region=other_region, actor_name="test")
    library_load_starter(actor=None, region=region, actor_name="test")
    with scopes_disabled():
        category = {c.region_id: c for c in ProjectCategory.objects.filter(code="C10")}
        world.project_a = ProjectFactory(
            fiscal_year=fiscal_year,
            unit=unit_a,
            code="A001",
            name="义务教育学校公用经费保障",
            category=category[region.pk],
        )
        world.project_a_child = ProjectFactory(
            fiscal_year=fiscal_year,
            unit=unit_a_child,
            code="A002",
            name="第一中学校舍维修",
            category=category[region.pk],
        )
        world.project_b = ProjectFactory(
            fiscal_year=fiscal_year,
            unit=unit_b,
            code="B001",
            name="平安城市视频监控运行维护",
            category=category[region.pk],
        )
        other_year = FiscalYear.objects.get(region=other_region)
        world.other_region_project = ProjectFactory(
            fiscal_year=other_year, unit=other_region_unit, code="A001", category=category[other_region.pk]
        )
    return world


@pytest.fixture
def client_for(world: World) -> Any:
    """``client_for("office")``: a test client logged in as that actor (anonymous: not)."""

    def make(name: str) -> Client:
        client = Client()
        actor = world.actors[name]
        if actor is not None:
            client.force_login(actor)
        return client

    return make


@pytest.fixture
def unscoped() -> Any:
    """For assertions that read the database directly, outside any request."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is right for production and far too slow for hundreds of test logins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any, tmp_path: Any) -> None:
    # The manifest storage needs `collectstatic` first; tests render pages from a fresh clone.
    # Uploaded files (staged imports, monitoring evidence) go to the test's own directory.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
