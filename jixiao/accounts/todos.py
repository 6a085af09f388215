from typing import Any

from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def account_attention(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the administrator: locked accounts, and unit roles of units with no account."""
    if not has_perm(actor, "accounts.manage"):
        return []
    users = User.objects.filter(region_id__in=ctx.region_ids, is_active=True)
    locked = users.filter(locked_until__gt=timezone.now()).count()
    pending = users.filter(must_change_password=True, last_login__isnull=True).count()
    return [
        Todo("被锁定的账户", locked, reverse("accounts:user_list"), "danger"),
        Todo("已创建但从未登录的账户", pending, reverse("accounts:user_list"), "info"),
    ]
