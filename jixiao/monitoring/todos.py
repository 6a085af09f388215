from typing import Any

from django.urls import reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.monitoring import selectors
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def overdue_decisions(actor: Any, ctx: ActorContext) -> list[Todo]:
    """Everyone who follows monitoring sees decisions past their deadline within their reach."""
    if not has_perm(actor, "monitoring.view"):
        return []
    overdue = selectors.decisions(ctx=ctx).filter(status="open", due__lt=selectors.today()).count()
    return [Todo("逾期未落实的监控处理决定", overdue, f"{reverse('monitoring:decisions')}?state=overdue", "danger")]


@todo_provider
def reports_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the unit: forms to fill or sent back; for the leader and the section: forms to review."""
    if not has_perm(actor, "monitoring.view"):
        return []
    reports = selectors.reports(ctx=ctx).filter(round__closed=False)
    items = []
    if has_perm(actor, "monitoring.edit"):
        items.append(Todo("待填报的监控表", reports.filter(status="draft").count(), reverse("monitoring:my_reports")))
        items.append(
            Todo(
                "被退回的监控表", reports.filter(status="returned").count(), reverse("monitoring:my_reports"), "danger"
            )
        )
        items.append(
            Todo(
                "待反馈落实情况的处理决定",
                selectors.decisions(ctx=ctx).filter(status="open").count(),
                f"{reverse('monitoring:decisions')}?state=open",
            )
        )
    for perm, state in (("monitoring.leader_review", "leader"), ("monitoring.section_review", "submitted")):
        if has_perm(actor, perm):
            items.append(Todo("待审核的监控表", reports.filter(status=state).count(), reverse("monitoring:my_reports")))
    return items
