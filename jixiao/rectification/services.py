"""Writes to rectification: finance raises an item, the unit answers with evidence, finance
closes it or sends it back. Every write checks the permission and reach, runs in one transaction
and leaves one audit entry."""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.permissions import ensure_perm
from jixiao.audit.services import log_action
from jixiao.budget.models import Project
from jixiao.core.errors import DomainError
from jixiao.core.evidence import evidence_name
from jixiao.evaluation.models import SelfEval
from jixiao.keyeval.models import Evaluation
from jixiao.keyeval.models import Status as KeyStatus
from jixiao.monitoring.models import Decision
from jixiao.org.models import Unit
from jixiao.rectification.models import Evidence, Item, Source, Status

MAX_TEXT = 2000
LONGEST = dt.timedelta(days=366)


def _text(value: str, label: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise DomainError(f"{label}不超过 {MAX_TEXT} 字")
    if required and not value:
        raise DomainError(f"请填写{label}")
    return value


def item_raise(
    *,
    actor: Any,
    problem: str,
    requirement: str,
    due: dt.date,
    selfeval: SelfEval | None = None,
    decision: Decision | None = None,
    evaluation: Evaluation | None = None,
    unit: Unit | None = None,
    project: Project | None = None,
    source: str = Source.OTHER,
    today: dt.date | None = None,
) -> Item:
    """A problem the unit must fix by ``due``. Raised from a self-evaluation (its unit and
    project), from a monitoring decision, from a key evaluation once its report is in, or for a
    unit (and one of its projects) directly."""
    if evaluation is not None:
        if evaluation.status not in (KeyStatus.SUBMITTED, KeyStatus.RATED):
            raise DomainError("重点评价报告提交后才能据此提出整改要求")
        unit, project, source = evaluation.unit, evaluation.project, Source.EVALUATION
    elif selfeval is not None:
        unit, project, source = selfeval.unit, selfeval.project, Source.SELFEVAL
    elif decision is not None:
        unit, project, source = decision.unit, decision.project, Source.MONITORING
    if unit is None:
        raise DomainError("请选择整改单位")
    ensure_perm(actor, "rectification.manage", unit)
    if source not in Source.values:
        raise DomainError(f"问题来源应为 {'、'.join(Source.labels)} 之一")
    if selfeval is None and decision is None and source in (Source.SELFEVAL, Source.MONITORING):
        raise DomainError("自评或监控中发现的问题，请从该自评表或处理决定提出整改要求")
    if project is not None and project.unit_id != unit.pk:
        raise DomainError("所选项目不属于整改单位")
    start = timezone.localdate() if today is None else today
    if not start <= due <= start + LONGEST:
        raise DomainError(f"整改期限应在 {start:%Y-%m-%d} 到 {start + LONGEST:%Y-%m-%d} 之间")
    with transaction.atomic():
        item = Item.objects.create(
            region_id=unit.region_id,
            unit=unit,
            project=project,
            source=source,
            selfeval=selfeval,
            decision=decision,
            evaluation=evaluation,
            problem=_text(problem, "发现的问题", required=True),
            requirement=_text(requirement, "整改要求", required=True),
            due=due,
            created_by=actor,
        )
        log_action(
            actor=actor,
            action="rectification.item.raised",
            target=item,
            data={"source": source, "due": due.isoformat(), **({"project": project.code} if project else {})},
        )
    return item


def _locked(item: Item) -> Item:
    return (
        Item.objects.with_scope(region=[item.region_id], unit=[item.unit_id])
        .select_for_update(of=("self",))
        .select_related("unit", "project")
        .get(pk=item.pk)
    )


def item_answer(*, actor: Any, item: Item, text: str) -> Item:
    """The unit reports what it did; the item waits for finance."""
    ensure_perm(actor, "rectification.respond", item)
    text = _text(text, "整改情况", required=True)
    with transaction.atomic():
        item = _locked(item)
        if item.status != Status.OPEN:
            raise DomainError(f"整改事项当前为「{item.get_status_display()}」，不能再反馈")
        item.response, item.responded_by, item.responded_at = text, actor, timezone.now()
        item.status = Status.ANSWERED
        item.save(update_fields=["response", "responded_by", "responded_at", "status"])
        log_action(actor=actor, action="rectification.item.answered", target=item, data={"late": item.late})
    return item


def item_close(*, actor: Any, item: Item, note: str = "") -> Item:
    """Finance accepts the unit's account: the problem is fixed."""
    ensure_perm(actor, "rectification.manage", item)
    with transaction.atomic():
        item = _locked(item)
        if item.status != Status.ANSWERED:
            raise DomainError("单位反馈整改情况后才能确认")
        item.review_note = _text(note, "财政意见")
        item.status, item.closed_by, item.closed_at = Status.CLOSED, actor, timezone.now()
        item.save(update_fields=["review_note", "status", "closed_by", "closed_at"])
        log_action(actor=actor, action="rectification.item.closed", target=item, data={})
    return item


def item_return(*, actor: Any, item: Item, note: str, due: dt.date | None = None, today: dt.date | None = None) -> Item:
    """Finance finds the account insufficient: back to the unit, with the reason and (if given) a
    new deadline."""
    ensure_perm(actor, "rectification.manage", item)
    note = _text(note, "退回理由", required=True)
    start = timezone.localdate() if today is None else today
    if due is not None and not start <= due <= start + LONGEST:
        raise DomainError(f"新的整改期限应在 {start:%Y-%m-%d} 到 {start + LONGEST:%Y-%m-%d} 之间")
    with transaction.atomic():
        item = _locked(item)
        if item.status != Status.ANSWERED:
            raise DomainError("只能退回单位已反馈的整改事项")
        item.review_note = note
        item.status = Status.OPEN
        item.rounds += 1
        if due is not None:
            item.due = due
        item.save(update_fields=["review_note", "status", "rounds", "due"])
        log_action(
            actor=actor,
            action="rectification.item.returned",
            target=item,
            data={"reason": note, **({"due": due.isoformat()} if due else {})},
        )
    return item


def evidence_add(*, actor: Any, item: Item, upload: UploadedFile[bytes] | None) -> Evidence:
    if upload is None:
        raise DomainError("请选择要上传的文件")
    name = evidence_name(upload.name or "", upload.size)
    with transaction.atomic():
        item = _locked(item)
        ensure_perm(actor, "rectification.respond", item)
        if item.status != Status.OPEN:
            raise DomainError(f"整改事项当前为「{item.get_status_display()}」，不能再上传材料")
        evidence = Evidence(item=item, name=name, size=upload.size or 0, uploaded_by=actor)
        evidence.file.save(name, upload, save=False)
        evidence.save()
        log_action(actor=actor, action="rectification.evidence.added", target=item, data={"file": name})
    return evidence


def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    with transaction.atomic():
        item = _locked(evidence.item)
        ensure_perm(actor, "rectification.respond", item)
        if item.status != Status.OPEN:
            raise DomainError(f"整改事项当前为「{item.get_status_display()}」，不能删除材料")
        name = evidence.name
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.delete(save=False))
        log_action(actor=actor, action="rectification.evidence.removed", target=item, data={"file": name})
