from typing import Any

from django.urls import reverse

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.library.models import LibraryIndicator, Status
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def proposals_waiting(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the office: units' indicator proposals waiting for review."""
    if not has_perm(actor, "library.curate") or ctx.region is None:
        return []
    waiting = LibraryIndicator.objects.with_scope(region=ctx.region_ids).filter(status=Status.PROPOSED).count()
    return [Todo("待审核的新指标提议", waiting, reverse("library:proposal_list"))]
