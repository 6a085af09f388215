"""Batch review of a whole year's sheets, in the background with its progress.

The office starts it after changing the rules, or before the review season closes; the worker
(``jixiao worker``) walks the year in chunks, storing each sheet's findings with the rule-set
version, and updates the run's progress as it goes so the page can show it.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jixiao.accounts.permissions import ActorContext, ensure_perm
from jixiao.audit.services import log_action
from jixiao.core import checks
from jixiao.core.errors import DomainError
from jixiao.goals.models import GoalSheet, ReviewRun
from jixiao.goals.review import context_for, store_findings, to_core
from jixiao.org.models import FiscalYear

CHUNK = 200


def review_run_start(*, actor: Any, fiscal_year: FiscalYear) -> ReviewRun:
    ensure_perm(actor, "goals.office_review", fiscal_year.region)
    runs = ReviewRun.objects.with_scope(region=[fiscal_year.region_id])
    with transaction.atomic():
        if runs.filter(fiscal_year=fiscal_year, status__in=["queued", "running"]).exists():
            raise DomainError("本年度已有一次批量审核在进行中，请等待其完成")
        total = GoalSheet.objects.with_scope(region=[fiscal_year.region_id], unit=None).filter(fiscal_year=fiscal_year)
        run = runs.create(
            region_id=fiscal_year.region_id, fiscal_year=fiscal_year, started_by=actor, total=total.count()
        )
        log_action(
            actor=actor,
            action="goals.review.batch",
            target=run,
            region=fiscal_year.region,
            data={"year": fiscal_year.year, "sheets": run.total},
        )
        transaction.on_commit(lambda: review_year.enqueue(run.pk))
    return run


@task()
def review_year(run_id: int) -> int:
    """Review every sheet of the run's year; returns how many sheets have errors."""
    run = ReviewRun.objects.with_scopes_disabled().select_related("fiscal_year").get(pk=run_id)
    ReviewRun.objects.with_scopes_disabled().filter(pk=run.pk).update(status="running")
    sheets = GoalSheet.objects.with_scope(region=[run.region_id], unit=None).filter(fiscal_year_id=run.fiscal_year_id)
    ids = list(sheets.order_by("unit_id", "id").values_list("id", flat=True))
    done = with_errors = 0
    version = ""
    try:
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                # Locked, so that a unit saving a sheet meanwhile does not interleave its findings.
                chunk = (
                    sheets.filter(id__in=ids[start : start + CHUNK])
                    .select_for_update(of=("self",))
                    .select_related("project__category", "unit", "region", "fiscal_year")
                    .prefetch_related("indicators")
                )
                for sheet in chunk:
                    context = context_for(sheet)
                    findings = checks.review(to_core(sheet), context)
                    store_findings(sheet, findings, context.rules.version)
                    version = context.rules.version
                    with_errors += any(f.severity == "error" for f in findings)
                    done += 1
                ReviewRun.objects.with_scopes_disabled().filter(pk=run.pk).update(done=done, errors=with_errors)
    except Exception as exc:  # the run must say it failed rather than spin forever
        ReviewRun.objects.with_scopes_disabled().filter(pk=run.pk).update(
            status="failed", message=f"{type(exc).__name__}: {exc}"[:1000], finished_at=timezone.now()
        )
        raise
    ReviewRun.objects.with_scopes_disabled().filter(pk=run.pk).update(
        status="done", done=done, errors=with_errors, rules_version=version, finished_at=timezone.now()
    )
    return with_errors


def latest_run(*, actor: Any, ctx: ActorContext) -> ReviewRun | None:
    if ctx.fiscal_year is None:
        return None
    return ReviewRun.objects.with_scope(region=ctx.region_ids).filter(fiscal_year=ctx.fiscal_year).first()


def run_get(*, actor: Any, ctx: ActorContext, pk: int) -> ReviewRun | None:
    return ReviewRun.objects.with_scope(region=ctx.region_ids).filter(pk=pk).first()
