from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.accounts.models import ApiToken, User
from jixiao.accounts.permissions import ActorContext


def user_list(*, actor: Any, ctx: ActorContext, q: str = "", role: str = "") -> QuerySet[User]:
    """Accounts of the region being worked in (the switcher narrows a city user's view)."""
    users = User.objects.filter(region_id__in=ctx.region_ids).select_related("unit", "section", "region")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(unit__name__icontains=q))
    if role:
        users = users.filter(role=role)
    return users.order_by("username")


def user_get(*, actor: Any, ctx: ActorContext, pk: int) -> User:
    user = user_list(actor=actor, ctx=ctx).filter(pk=pk).first()
    if user is None:
        raise Http404("没有找到该用户")
    return user


def token_list(*, actor: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created")


def token_get(*, actor: Any, pk: int) -> ApiToken:
    token = token_list(actor=actor).filter(pk=pk).first()
    if token is None:
        raise Http404("没有找到该令牌")
    return token
