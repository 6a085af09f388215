import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jixiao.audit.models import AuditEntry


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
    """Entries of the actor's region, plus system-wide ones (failed logins of unknown names)."""
    entries = AuditEntry.objects.filter(Q(region_id__in=region_ids) | Q(region__isnull=True))
    if user:
        entries = entries.filter(Q(actor_name__icontains=user) | Q(actor__full_name__icontains=user))
    if unit_id is not None:
        entries = entries.filter(unit_id=unit_id)
    if action.endswith("."):
        entries = entries.filter(action__startswith=action)
    elif action:
        entries = entries.filter(action=action)
    if date_from is not None:
        entries = entries.filter(time__gte=_start_of(date_from))
    if date_to is not None:
        entries = entries.filter(time__lt=_start_of(date_to + dt.timedelta(days=1)))
    if target_type:
        entries = entries.filter(target_type=target_type, target_id=target_id)
    return entries.select_related("actor", "unit").order_by("-time", "-id")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
