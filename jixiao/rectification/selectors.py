"""Reads of rectification, always within the actor's reach."""

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.rectification.models import Evidence, Item, Source, Status

STATES = ("open", "overdue", "answered", "closed")


def items(*, ctx: ActorContext) -> QuerySet[Item]:
    return Item.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).all()


def item_list(
    *, ctx: ActorContext, state: str = "", source: str = "", unit_id: int | None = None, q: str = ""
) -> QuerySet[Item]:
    qs = items(ctx=ctx).select_related("unit", "project", "created_by")
    if state == "overdue":
        qs = qs.filter(status=Status.OPEN, due__lt=timezone.localdate())
    elif state in Status.values:
        qs = qs.filter(status=state)
    if source in Source.values:
        qs = qs.filter(source=source)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(problem__icontains=q) | Q(project__name__icontains=q) | Q(unit__name__icontains=q))
    # Open first (the most overdue on top), then waiting for finance, then closed.
    rank = Case(
        When(status=Status.OPEN, then=Value(0)),
        When(status=Status.ANSWERED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.order_by(rank, "due", "-id")


def item_get(*, actor: Any, ctx: ActorContext, pk: int) -> Item:
    found = (
        items(ctx=ctx)
        .filter(pk=pk)
        .select_related("unit", "project", "selfeval__round", "decision__report__round", "created_by")
        .first()
    )
    if found is None or not has_perm(actor, "rectification.view", found):
        raise Http404("没有找到该整改事项")
    return found


def evidence_get(*, actor: Any, ctx: ActorContext, pk: int) -> Evidence:
    found = Evidence.objects.filter(pk=pk).select_related("item").first()
    if found is None:
        raise Http404("没有找到该文件")
    item_get(actor=actor, ctx=ctx, pk=found.item_id)
    return found


def counts(qs: QuerySet[Item]) -> dict[str, int]:
    today = timezone.localdate()
    figures = qs.aggregate(
        open=Count("id", filter=Q(status=Status.OPEN)),
        overdue=Count("id", filter=Q(status=Status.OPEN, due__lt=today)),
        answered=Count("id", filter=Q(status=Status.ANSWERED)),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
    )
    return {key: int(value or 0) for key, value in figures.items()}
