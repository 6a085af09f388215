import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from jixiao.audit.models import AuditEntry
from jixiao.audit.registry import HISTORY_EXTENSIONS


def entry_list(
    *,
    actor: Any,
    region_ids: list[int],
    user: str = "",
    unit_id: int | None = None,
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditEntry]:
    """Entries of the actor's region. Entries that belong to no region (a failed login with an
    unknown username) are shown only where the deployment serves one region: on a city or
    province deployment they would show one county what was typed at another's login."""
    entries = AuditEntry.objects.filter(region_id__in=region_ids)
    single_tenant = get_user_model().objects.filter(region__isnull=False).values("region").distinct().count() <= 1
    if single_tenant:
        entries = AuditEntry.objects.filter(Q(region_id__in=region_ids) | Q(region__isnull=True))
    if user:
        entries = entries.filter(Q(actor_name__icontains=user) | Q(actor__full_name__icontains=user))
    if unit_id is not None:
        entries = entries.filter(Q(unit_id=unit_id) | _mentions("org.unit", str(unit_id)))
    if action.endswith("."):
        entries = entries.filter(action__startswith=action)
    elif action:
        entries = entries.filter(action=action)
    if date_from is not None:
        entries = entries.filter(time__gte=_start_of(date_from))
    if date_to is not None:
        entries = entries.filter(time__lt=_start_of(date_to + dt.timedelta(days=1)))
    if target_type:
        entries = entries.filter(Q(target_type=target_type, target_id=target_id) | _mentions(target_type, target_id))
    return entries.select_related("actor", "unit").order_by("-time", "-id")


def _mentions(target_type: str, target_id: str) -> Q:
    extension = HISTORY_EXTENSIONS.get(target_type)
    return extension(target_id) if extension else Q(pk__in=[])


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
