"""Writes to results application: drafting next year's recommendations, finance's decision on
each, and the region's linkage rules. One transaction and one audit entry per write."""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.accounts.permissions import ensure_perm
from jixiao.audit.services import log_action
from jixiao.budget.models import Project
from jixiao.core import linkage
from jixiao.core.errors import DomainError
from jixiao.core.money import yuan_to_wan
from jixiao.org.models import FiscalYear, Region
from jixiao.results.models import Action, LinkageRules, Recommendation, Status
from jixiao.results.selectors import facts_for, rules_in_force

MAX_TEXT = 2000
MAX_NOTE = 200
CENT = Decimal("0.01")
# An override may raise a priority project well above last year, but not past ten times its
# base (or 1 亿元 for a small one): a larger figure is a typing slip (元 for 万元).
CEILING_FACTOR = Decimal(10)
CEILING_FLOOR = Decimal(100_000_000)
DRAFT_FIELDS = ["project", "unit", "base", "grade", "action", "label", "cut", "amount", "conditional", "reasons"]
DECISION_FIELDS = ["status", "final_action", "final_amount", "decision_note", "decided_by", "decided_at"]


def _fields(project: Project, rec: linkage.Recommendation) -> dict[str, Any]:
    return {
        "project": project,
        "unit_id": project.unit_id,
        "base": project.adjusted_budget,
        "grade": rec.grade or "",
        "action": rec.action,
        "label": rec.label[:60],
        "cut": rec.cut,
        "amount": rec.amount if rec.amount is not None else project.adjusted_budget,
        "conditional": rec.conditional,
        "reasons": [{"kind": r.kind, "text": r.text, "ref": r.ref, "decisive": r.decisive} for r in rec.reasons],
    }


def draft(*, actor: Any, budget_year: FiscalYear) -> dict[str, int]:
    """Draft (or redraft) a recommendation for every project of the year before ``budget_year``.

    Drafts are brought up to date with the results and rules as they now stand; those finance
    has accepted or overridden stay as decided. Returns the counts created, updated and kept.
    """
    region = budget_year.region
    ensure_perm(actor, "results.manage", region)
    previous = budget_year.year - 1
    projects = list(
        Project.objects.with_scope(region=[region.pk], unit=None)
        .filter(fiscal_year__region=region, fiscal_year__year=previous)
        .select_related("fiscal_year")
        .order_by("code")
    )
    if not projects:
        raise DomainError(f"{previous} 年度没有项目，无法生成 {budget_year.year} 年度的结果应用建议")
    rules = rules_in_force(region)
    facts = facts_for(projects, budget_year.year)
    try:
        drafted = {p.pk: _fields(p, linkage.recommend(facts[p.pk], rules)) for p in projects}
    except ValueError as exc:  # a fact the rules cannot read: say which, draft nothing
        raise DomainError(str(exc)) from None
    now = timezone.now()
    counts = {"created": 0, "updated": 0, "kept": 0}
    manager = Recommendation.objects.with_scope(region=[region.pk], unit=None)
    with transaction.atomic():
        # The year's row is the lock: two drafts at once (a double click) run one after the other
        # instead of both inserting the first time.
        FiscalYear.objects.with_scope(region=[region.pk]).select_for_update().filter(pk=budget_year.pk).first()
        existing = {r.code: r for r in manager.select_for_update().filter(budget_year=budget_year)}
        new = []
        changed = []
        for project in projects:
            fields = drafted[project.pk]
            old = existing.get(project.code)
            if old is None:
                new.append(
                    Recommendation(
                        region=region,
                        budget_year=budget_year,
                        code=project.code,
                        rules_version=rules.version,
                        drafted_at=now,
                        **fields,
                    )
                )
            elif old.status != Status.DRAFT:
                counts["kept"] += 1
            else:
                for key, value in fields.items():
                    setattr(old, key, value)
                old.rules_version, old.drafted_at = rules.version, now
                changed.append(old)
        manager.bulk_create(new, batch_size=500)
        manager.bulk_update(changed, [*DRAFT_FIELDS, "rules_version", "drafted_at"], batch_size=500)
        counts["created"], counts["updated"] = len(new), len(changed)
        log_action(
            actor=actor,
            action="results.drafted",
            target=budget_year,
            data={"year": budget_year.year, "rules": rules.version, **counts},
        )
    return counts


def _locked(rec: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.with_scope(region=[rec.region_id], unit=[rec.unit_id])
        .select_for_update(of=("self",))
        .get(pk=rec.pk)
    )


def accept(*, actor: Any, recommendation: Recommendation, seen: str = "") -> Recommendation:
    """Finance adopts the draft as it stands. ``seen``: the draft's time as the page showed it;
    when the draft was redrafted since, finance has not seen what it would adopt, and is told."""
    ensure_perm(actor, "results.decide", recommendation)
    with transaction.atomic():
        rec = _locked(recommendation)
        if rec.status != Status.DRAFT:
            raise DomainError(f"该建议当前为「{rec.get_status_display()}」，如需改变请调整并说明理由")
        if seen and seen != rec.drafted_at.isoformat():
            raise DomainError("该建议已按最新评价结果重新生成，请核对页面上的新建议后再确认")
        rec.status, rec.final_action, rec.final_amount = Status.ACCEPTED, rec.action, rec.amount
        rec.decided_by, rec.decided_at, rec.decision_note = actor, timezone.now(), ""
        rec.save(update_fields=DECISION_FIELDS)
        log_action(
            actor=actor,
            action="results.accepted",
            target=rec,
            data={"code": rec.code, "action": rec.action, "amount": str(rec.amount)},
        )
    return rec


def accept_all(*, actor: Any, recommendations: QuerySet[Recommendation]) -> int:
    """Finance adopts, as they stand, every draft in ``recommendations`` (the filtered list it is
    reading, within its reach): one audit entry per recommendation, all in one transaction."""
    ensure_perm(actor, "results.decide")
    now = timezone.now()
    with transaction.atomic():
        drafts = list(recommendations.filter(status=Status.DRAFT).select_for_update(of=("self",)).order_by("pk"))
        for rec in drafts:
            ensure_perm(actor, "results.decide", rec)
            rec.status, rec.final_action, rec.final_amount = Status.ACCEPTED, rec.action, rec.amount
            rec.decided_by, rec.decided_at, rec.decision_note = actor, now, ""
        if drafts:
            manager = Recommendation.objects.with_scope(region=[drafts[0].region_id], unit=None)
            manager.bulk_update(drafts, DECISION_FIELDS, batch_size=500)
        for rec in drafts:
            log_action(
                actor=actor,
                action="results.accepted",
                target=rec,
                data={"code": rec.code, "action": rec.action, "amount": str(rec.amount), "batch": True},
            )
    return len(drafts)


def ceiling(recommendation: Recommendation) -> Decimal:
    """The largest amount (元) an override may set."""
    return max(recommendation.base * CEILING_FACTOR, CEILING_FLOOR)


def override(*, actor: Any, recommendation: Recommendation, action: str, amount: Decimal, note: str) -> Recommendation:
    """Finance decides otherwise (or decides again), with its reason: required and audited."""
    ensure_perm(actor, "results.decide", recommendation)
    if action not in Action.values:
        raise DomainError(f"财政意见应为 {'、'.join(Action.labels)} 之一")
    note = (note or "").strip()
    if not note:
        raise DomainError("请说明调整理由")
    if len(note) > MAX_TEXT:
        raise DomainError(f"调整理由不超过 {MAX_TEXT} 字")
    top = ceiling(recommendation)
    if not amount.is_finite() or not Decimal(0) <= amount <= top:
        raise DomainError(f"安排数应在 0 至 {yuan_to_wan(top):,.2f} 万元之间，收到「{amount}」元")
    if amount != amount.quantize(CENT):
        raise DomainError(f"安排数应精确到分（0.000001 万元），收到「{amount}」元")
    with transaction.atomic():
        rec = _locked(recommendation)
        before = {
            "status": rec.status,
            "action": rec.final_action or rec.action,
            "amount": str(rec.final_amount if rec.final_amount is not None else rec.amount),
            "reason": rec.decision_note,
        }
        rec.status, rec.final_action, rec.final_amount, rec.decision_note = Status.OVERRIDDEN, action, amount, note
        rec.decided_by, rec.decided_at = actor, timezone.now()
        rec.save(update_fields=DECISION_FIELDS)
        log_action(
            actor=actor,
            action="results.overridden",
            target=rec,
            data={"code": rec.code, "before": before, "action": action, "amount": str(amount), "reason": note},
        )
    return rec


def rules_save(*, actor: Any, region: Region, data: dict[str, Any], note: str = "") -> LinkageRules:
    """A new version of the region's linkage rules, validated by ``linkage.LinkageRules``; drafts
    made from now on use it, decided recommendations keep the version they were drafted with."""
    ensure_perm(actor, "results.manage", region)
    try:
        rules = linkage.LinkageRules.from_data(data)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(f"修改说明不超过 {MAX_NOTE} 字")
    try:
        with transaction.atomic():
            count = LinkageRules.objects.with_scope(region=[region.pk]).filter(region=region).count()
            version = f"{region.code}-r{count + 1}"
            stored = {**rules.to_data(), "version": version}
            saved = LinkageRules.objects.create(
                region=region, version=version, data=stored, note=note, created_by=actor
            )
            log_action(actor=actor, action="results.rules.saved", target=saved, data={"version": version, "note": note})
    except IntegrityError:  # someone saved a version at the same moment
        raise DomainError("规则刚被他人修改，请刷新后重试") from None
    return saved
