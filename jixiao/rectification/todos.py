from typing import Any

from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.rectification import selectors
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def items_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """Overdue items for everyone who follows rectification; open ones for the unit; answered
    ones for finance to confirm."""
    if not has_perm(actor, "rectification.view"):
        return []
    items = selectors.items(ctx=ctx)
    url = reverse("rectification:item_list")
    todos = [
        Todo(
            "逾期未整改的事项",
            items.filter(status="open", due__lt=timezone.localdate()).count(),
            f"{url}?state=overdue",
            "danger",
        )
    ]
    if has_perm(actor, "rectification.respond"):
        todos.append(Todo("待反馈整改情况的事项", items.filter(status="open").count(), f"{url}?state=open"))
    if has_perm(actor, "rectification.manage"):
        todos.append(Todo("待确认的整改情况", items.filter(status="answered").count(), f"{url}?state=answered"))
    return todos
