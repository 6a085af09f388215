from typing import Any

from django.urls import reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.results import selectors
from jixiao.results.models import Status
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def recommendations_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """Finance: drafts for the context's budget year not yet accepted or overridden."""
    if ctx.fiscal_year is None or not has_perm(actor, "results.decide"):
        return []
    drafts = selectors.recommendations(ctx=ctx).filter(budget_year=ctx.fiscal_year, status=Status.DRAFT)
    return [Todo("待确认的结果应用建议", drafts.count(), f"{reverse('results:list')}?status=draft", "info")]
