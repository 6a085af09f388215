from typing import Any

from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.keyeval import selectors
from jixiao.keyeval.models import Status
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def evaluations_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """The agency: declarations to sign and evaluations under way. The office: reports to review,
    selected projects not yet commissioned, and commissions past their deadline."""
    if not has_perm(actor, "keyeval.view"):
        return []
    url = reverse("keyeval:evaluation_list")
    if selectors.is_agency(actor):
        working = selectors.evaluations(actor=actor, ctx=ctx).filter(status=Status.WORKING)
        return [
            Todo(
                "待签署利益冲突声明的评价", selectors.pending_declarations(actor=actor, ctx=ctx).count(), url, "danger"
            ),
            Todo("评价中的项目", working.filter(declarations__user=actor, declarations__conflict=False).count(), url),
        ]
    if not has_perm(actor, "keyeval.manage"):
        return []
    mine = selectors.evaluations(actor=actor, ctx=ctx)
    return [
        Todo("待审核的重点评价报告", mine.filter(status=Status.SUBMITTED).count(), f"{url}?status=submitted"),
        Todo("已选定、待委托机构的重点评价", mine.filter(status=Status.SELECTED).count(), f"{url}?status=selected"),
        Todo(
            "超过报告期限的重点评价",
            mine.filter(status__in=(Status.ASSIGNED, Status.WORKING), deadline__lt=timezone.localdate()).count(),
            f"{url}?status=overdue",
            "danger",
        ),
    ]
