"""The one permission check, and the reach of an actor into regions and units.

``has_perm(actor, perm, obj)`` answers "may this person do this (to this)". Reads that must not
leak go through selectors that filter by the actor's reach; the request middleware also puts
the same reach into the django-scopes scope, so a query that forgets its selector fails
instead of returning another unit's rows.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.http import Http404

from jixiao.core.access import Reach, role_reach
from jixiao.core.errors import Forbidden
from jixiao.org.models import FiscalYear, Region, Unit


def has_perm(actor: Any, perm: str, obj: Model | None = None) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if perm not in actor.permissions:
        return False
    return obj is None or in_reach(actor, obj)


def ensure_perm(actor: Any, perm: str, obj: Model | None = None) -> None:
    """Raise ``Forbidden`` unless ``has_perm``; services start with this."""
    if not has_perm(actor, perm, obj):
        raise Forbidden("您没有执行此操作的权限")


def in_reach(actor: Any, obj: Model) -> bool:
    """Whether ``obj`` lies inside the regions and units the actor may see."""
    if isinstance(obj, Region):
        return obj.pk in region_ids_for(actor)
    region_id = getattr(obj, "region_id", None)
    if region_id is not None and region_id not in region_ids_for(actor):
        return False
    unit_id = obj.pk if isinstance(obj, Unit) else getattr(obj, "unit_id", None)
    if unit_id is None:
        return True
    unit_ids = unit_ids_for(actor, region_ids_for(actor))
    return unit_ids is None or unit_id in unit_ids


def region_ids_for(actor: Any) -> list[int]:
    """The actor's own region and every region below it (a city user sees its counties)."""
    if actor is None or not actor.is_authenticated or actor.region_id is None:
        return []
    cached = getattr(actor, "_jx_region_ids", None)
    if cached is not None:
        return list(cached)
    ids = [actor.region_id]
    frontier = [actor.region_id]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    actor._jx_region_ids = ids
    return list(ids)


def unit_ids_for(actor: Any, region_ids: list[int]) -> list[int] | None:
    """Unit ids whose business data the actor may read; ``None`` means every unit of its
    regions. Fails closed: an unknown role, or a unit role without a unit, sees none."""
    if actor is None or not actor.is_authenticated:
        return []
    reach = role_reach(actor.role)
    if reach is Reach.ALL:
        return None
    if reach is Reach.NONE:
        return []
    units = Unit.objects.with_scope(region=region_ids, unit=None).all()
    if reach is Reach.SECTION:
        if actor.section_id is None:
            return []
        roots = list(units.filter(section_id=actor.section_id).values_list("id", flat=True))
    elif actor.unit_id is None:
        return []
    elif reach is Reach.OWN:
        return list(units.filter(id=actor.unit_id).values_list("id", flat=True))
    else:
        roots = list(units.filter(id=actor.unit_id).values_list("id", flat=True))
    return _with_descendants(roots, region_ids)


def _with_descendants(roots: list[int], region_ids: list[int]) -> list[int]:
    seen = set(roots)
    frontier = roots
    units = Unit.objects.with_scope(region=region_ids, unit=None).all()
    while frontier:
        frontier = [uid for uid in units.filter(parent_id__in=frontier).values_list("id", flat=True) if uid not in seen]
        seen.update(frontier)
    return sorted(seen)


@dataclass
class ActorContext:
    """What the middleware works out once per request: where the actor is working."""

    regions: list[Region] = field(default_factory=list)
    region: Region | None = None
    fiscal_years: list[FiscalYear] = field(default_factory=list)
    fiscal_year: FiscalYear | None = None
    unit_ids: list[int] | None = field(default_factory=list)

    @property
    def region_ids(self) -> list[int]:
        return [self.region.pk] if self.region else []

    @property
    def current_region(self) -> Region:
        """The region being worked in; an account placed in no region has none (→ 404)."""
        if self.region is None:
            raise Http404("您的账户未设置行政区划")
        return self.region


def actor_context(actor: Any, *, region_id: int | None, year: int | None, today_year: int) -> ActorContext:
    """The region and fiscal year the actor works in, from the switcher's choice when it is
    one the actor may use, else the actor's own region and the current (or latest) year."""
    ids = region_ids_for(actor)
    if not ids:
        return ActorContext()
    regions = list(Region.objects.filter(id__in=ids).order_by("code"))
    region = next((r for r in regions if r.pk == region_id), None) or next(
        (r for r in regions if r.pk == actor.region_id), regions[0]
    )
    years = list(FiscalYear.objects.with_scope(region=[region.pk]).order_by("-year"))
    fiscal_year = next((y for y in years if y.year == year), None) or next(
        (y for y in years if y.year == today_year), years[0] if years else None
    )
    return ActorContext(
        regions=regions,
        region=region,
        fiscal_years=years,
        fiscal_year=fiscal_year,
        unit_ids=unit_ids_for(actor, [region.pk]),
    )
