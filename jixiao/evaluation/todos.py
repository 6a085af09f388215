from typing import Any

from django.urls import reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.evaluation import selectors
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def forms_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the unit: self-evaluations to fill or sent back; for the leader and finance: forms to
    review; for the office: sampled forms not yet re-checked."""
    if not has_perm(actor, "evaluation.view"):
        return []
    forms = selectors.forms(ctx=ctx).filter(round__closed=False)
    url = reverse("evaluation:my_forms")
    items = []
    if has_perm(actor, "evaluation.edit"):
        items.append(Todo("待填报的绩效自评表", forms.filter(status="draft").count(), url))
        items.append(Todo("被退回的绩效自评表", forms.filter(status="returned").count(), url, "danger"))
    for perm, state in (("evaluation.leader_review", "leader"), ("evaluation.review", "submitted")):
        if has_perm(actor, perm):
            items.append(Todo("待审核的绩效自评表", forms.filter(status=state).count(), f"{url}?status={state}"))
    if has_perm(actor, "evaluation.recheck"):
        items.append(
            Todo("待复核的抽查自评表", forms.filter(sampled=True, check_total=None).count(), f"{url}?sampled=1")
        )
    return items
