from typing import Any

from django.urls import reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.budget.models import Project
from jixiao.core.workflow import State
from jixiao.goals import selectors
from jixiao.goals.models import GoalSheet
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def goal_sheets_to_review(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the leader, the section and the office: sheets waiting for their step."""
    if not has_perm(actor, "goals.view"):
        return []
    waiting = selectors.queue(actor=actor, ctx=ctx).count()
    return [Todo("待审核的绩效目标表", waiting, reverse("goals:queue"))]


@todo_provider
def goal_sheets_to_write(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the unit editor: sheets sent back, and projects of the year without a sheet."""
    if not has_perm(actor, "goals.edit") or ctx.fiscal_year is None or actor.unit_id is None:
        return []
    sheets = GoalSheet.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).filter(fiscal_year=ctx.fiscal_year)
    returned = sheets.filter(status=State.RETURNED).count()
    projects = Project.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).filter(fiscal_year=ctx.fiscal_year)
    missing = projects.exclude(pk__in=sheets.exclude(project=None).values("project_id")).count()
    unit_page = reverse("goals:unit_sheets", args=[actor.unit_id])
    return [
        Todo("被退回待修改的绩效目标表", returned, f"{reverse('goals:sheet_list')}?status=returned", "danger"),
        Todo("尚未编报绩效目标表的项目", missing, unit_page),
    ]
