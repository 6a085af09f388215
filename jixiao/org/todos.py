from typing import Any

from django.urls import reverse
from django.utils import timezone

from jixiao.accounts.permissions import ActorContext, has_perm
from jixiao.org.models import FiscalYear, Unit
from jixiao.web.todo import Todo, todo_provider


@todo_provider
def organisation_gaps(actor: Any, ctx: ActorContext) -> list[Todo]:
    """For the office: units no section reviews (nobody would review their goal sheets), and
    next year's fiscal year, whose goal sheets are written this autumn, not yet opened."""
    if not has_perm(actor, "org.manage") or ctx.region is None:
        return []
    orphans = (
        Unit.objects.with_scope(region=ctx.region_ids, unit=None).filter(active=True, section__isnull=True).count()
    )
    next_year = timezone.localdate().year + 1
    has_next = FiscalYear.objects.with_scope(region=ctx.region_ids).filter(year=next_year).exists()
    return [
        Todo("启用的预算单位尚未指定归口业务股室", orphans, reverse("org:unit_list")),
        Todo(
            f"尚未创建 {next_year} 年度（目标编报需要）",
            0 if has_next else 1,
            reverse("org:fiscal_year_list"),
            "info",
        ),
    ]
