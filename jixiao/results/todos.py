from typing import Any

from django.urls import reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.results import selectors
from jixiao.results.models import Status
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def recommendations_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """Finance: drafts for the budget year the results page works on (next year's, while this
    year is the one worked in) not yet accepted or overridden."""
    year = selectors.default_budget_year(ctx)
    if year is None or not has_perm(actor, "results.decide"):
        return []
    drafts = selectors.recommendations(ctx=ctx).filter(budget_year=year, status=Status.DRAFT)
    url = f"{reverse('results:list')}?year={year.year}&status=draft"
    return [Todo(f"待确认的 {year.year} 年度结果应用建议", drafts.count(), url, "info")]
