"""The single way anything is written to the audit log."""

from contextvars import ContextVar
from typing import Any

from django.db import models

from jixiao.audit.models import AuditEntry
from jixiao.audit.registry import ACTIONS

# Set by the request middleware so that services need not pass the request down.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)

_SECRET_MARKERS = ("password", "passwd", "secret", "token", "key")


def mask_secrets(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: "***" if any(m in str(k).lower() for m in _SECRET_MARKERS) else mask_secrets(v) for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [mask_secrets(v) for v in data]
    return data


def log_action(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    unit: Any = None,
    region: Any = None,
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the service's transaction, after the write.

    ``unit`` and ``region`` default to the target's own when it has them, so that auditors can
    find the entry by unit.
    """
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action}")
    if target is not None:
        unit = unit if unit is not None else _unit_of(target)
        region = region if region is not None else getattr(target, "region", None)
    if region is None and unit is not None:
        region = unit.region
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=actor_name or (user.get_username() if user else ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        region=region,
        unit=unit,
        data=mask_secrets(data or {}),
        ip=current_ip.get(),
    )


def _unit_of(target: models.Model) -> Any:
    if target._meta.label_lower == "org.unit":
        return target
    return getattr(target, "unit", None)
