"""Building the rectification demo: what finance raised from the 2023 self-evaluation, from this
year's monitoring decisions and from a key evaluation and other checks, who answered, and where
each item stands today."""

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.budget.models import Project
from jixiao.evaluation.models import SelfEval, Status
from jixiao.keyeval.models import Evaluation
from jixiao.keyeval.models import Status as KeyStatus
from jixiao.monitoring.compute import update_rows
from jixiao.monitoring.demo import files
from jixiao.monitoring.demo.build import Cast, _cast
from jixiao.monitoring.models import Decision, DecisionKind, DecisionStatus, Holiday
from jixiao.org.models import Region, Unit
from jixiao.rectification.demo import writing
from jixiao.rectification.models import Evidence, Item, Source
from jixiao.rectification.models import Status as ItemStatus

YEAR = writing.YEAR
# The 2023 self-evaluation was reviewed and re-checked by the end of April 2024; the office sent
# its rectification notices from the second week of May.
NOTICES = dt.datetime(YEAR + 1, 5, 13, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# 国办发明电〔2023〕7号: 2024's public holidays, and the weekend days worked instead (调休).
DAYS_OFF = {
    dt.date(YEAR + 1, 1, 1),
    *(dt.date(YEAR + 1, 2, d) for d in range(10, 18)),
    *(dt.date(YEAR + 1, 4, d) for d in (4, 5, 6)),
    *(dt.date(YEAR + 1, 5, d) for d in range(1, 6)),
    dt.date(YEAR + 1, 6, 10),
    *(dt.date(YEAR + 1, 9, d) for d in (15, 16, 17)),
    *(dt.date(YEAR + 1, 10, d) for d in range(1, 8)),
}
DAYS_ON = {
    dt.date(YEAR + 1, 2, 4),
    dt.date(YEAR + 1, 2, 18),
    dt.date(YEAR + 1, 4, 7),
    dt.date(YEAR + 1, 4, 28),
    dt.date(YEAR + 1, 5, 11),
    dt.date(YEAR + 1, 9, 14),
    dt.date(YEAR + 1, 9, 29),
    dt.date(YEAR + 1, 10, 12),
}
POOR_SHARE = 0.8  # of the accepted 差 forms, given an item
FAIR_SHARE = 0.18  # of the accepted 中 forms (from the lower half), given an item
RETURN_SHARE = 0.25  # of the closed self-evaluation items, closed only after one return
CORRECTING = (DecisionKind.CORRECT, DecisionKind.SUSPEND, DecisionKind.STOP)


@dataclass
class Calendar:
    """Working days: the region's calendar (the monitoring demo loads this year's) and 2024's."""

    off: set[dt.date]
    on: set[dt.date]

    def workday(self, day: dt.date) -> bool:
        if day in self.off:
            return False
        return day in self.on or day.weekday() < 5

    def office(self, moment: dt.datetime, clock: random.Random) -> dt.datetime:
        local = timezone.localtime(moment)
        opening = local.replace(hour=8, minute=30, second=0, microsecond=0)
        if local < opening:
            local = opening + dt.timedelta(minutes=clock.uniform(0, 90))
        elif local > opening.replace(hour=17, minute=45):
            local = opening + dt.timedelta(days=1, minutes=clock.uniform(0, 90))
        while not self.workday(local.date()):
            local += dt.timedelta(days=1)
        return local


@dataclass
class Times:
    """The moments an item went through, and what bounds them."""

    calendar: Calendar
    clock: random.Random
    now: dt.datetime
    today: dt.date

    def at(self, moment: dt.datetime, *, after: dt.datetime) -> dt.datetime:
        """``moment`` in office hours, after ``after`` and before now (halfway between them when
        ``after`` was only minutes ago)."""
        when = self.calendar.office(moment, self.clock)
        low = after + dt.timedelta(minutes=self.clock.uniform(5, 30))
        high = self.now - dt.timedelta(minutes=self.clock.uniform(1, 10))
        if low >= high:
            return after + (self.now - after) / 2
        return min(max(when, low), high)

    def days(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(days=self.clock.uniform(low, high))

    def raised(self, moment: dt.datetime) -> dt.datetime:
        return min(self.calendar.office(moment, self.clock), self.now - dt.timedelta(hours=1))


@dataclass
class Story:
    """When the unit answered (and was sent back) and finance closed; the deadline in force."""

    due: dt.date
    responded: dt.datetime | None = None  # the account on record
    first: dt.datetime | None = None  # an account finance sent back
    returned: dt.datetime | None = None
    closed: dt.datetime | None = None


@dataclass
class Draft:
    item: Item
    created: dt.datetime
    evidence: list[tuple[str, bytes, dt.datetime]] = field(default_factory=list)


@transaction.atomic
def build_rectification_demo(*, region: Region, seed: int) -> dict[str, int]:
    """The district's rectification items as they stand today: from the 2023 self-evaluation
    (every 自评失真 form, most 差 and some 中 accepted forms), raised by the office in May–June
    2024 and nearly all long closed; from this year's monitoring decisions that call for
    correction, raised by whoever decided, some open and overdue; and from a key evaluation,
    audit findings and a subsidy check. Answers by the unit's editor with evidence, closings by
    finance, one return here and there. Written in bulk with one ``rectification.demo_loaded``
    audit entry. Returns counts."""
    rng = random.Random(seed * 67 + 29)
    times = Times(_calendar(region), random.Random(rng.random()), timezone.now(), timezone.localdate())
    cast = _cast(region)
    drafts = _from_selfeval(region, cast, times, rng)
    drafts += _from_monitoring(region, times, cast, rng)
    drafts += _from_cases(region, times, cast)
    counts = _write(region, drafts, times.today)
    log_action(
        actor=None,
        actor_name="jixiao demo",
        action="rectification.demo_loaded",
        region=region,
        data={"seed": seed, **counts},
    )
    return counts


def _calendar(region: Region) -> Calendar:
    days = Holiday.objects.with_scope(region=[region.pk]).values_list("date", "working")
    return Calendar(
        DAYS_OFF | {d for d, working in days if not working}, DAYS_ON | {d for d, working in days if working}
    )


def _story(fate: str, created: dt.datetime, due: dt.date, times: Times) -> Story:
    """fate: answered, answered_late, closed, closed_after_return, returned (open again), open."""
    story = Story(due)
    deadline = timezone.make_aware(dt.datetime.combine(due, dt.time(17)))
    span = max(deadline - created, dt.timedelta(days=1))
    if fate in ("answered", "closed"):
        story.responded = times.at(created + span * times.clock.uniform(0.35, 0.95), after=created)
    elif fate == "answered_late":
        story.responded = times.at(deadline + times.days(3, 20), after=created)
    elif fate in ("closed_after_return", "returned"):
        story.first = times.at(created + span * times.clock.uniform(0.3, 0.7), after=created)
        story.returned = times.at(story.first + times.days(1.5, 6), after=story.first)
        story.due = timezone.localdate(story.returned) + dt.timedelta(days=times.clock.choice((15, 20, 30)))
        if fate == "returned":
            story.due = max(story.due, times.today + dt.timedelta(days=5))
            story.responded = story.first
        else:
            story.responded = times.at(story.returned + times.days(4, 12), after=story.returned)
    if fate in ("closed", "closed_after_return"):
        assert story.responded is not None
        story.closed = times.at(story.responded + times.days(2, 10), after=story.responded)
    return story


def _item(
    *,
    unit: Unit,
    project: Project | None,
    source: str,
    problem: str,
    requirement: str,
    raiser: User,
    story: Story,
    editor: User,
    response: str = "",
    first_response: str = "",
    return_note: str = "",
    close_note: str = "",
    selfeval: SelfEval | None = None,
    decision: Decision | None = None,
    evaluation: Evaluation | None = None,
) -> Item:
    """The row the services would have left: an account on record once the unit answered, the
    return reason while it stands returned, finance's note once closed."""
    item = Item(
        region_id=unit.region_id,
        unit=unit,
        project=project,
        source=source,
        selfeval=selfeval,
        decision=decision,
        evaluation=evaluation,
        problem=problem,
        requirement=requirement,
        due=story.due,
        created_by=raiser,
        rounds=1 if story.returned else 0,
    )
    if story.responded is not None:
        item.responded_by, item.responded_at = editor, story.responded
        item.response = first_response if story.closed is None and story.returned else response
        item.status = ItemStatus.ANSWERED
    if story.returned is not None and story.closed is None:
        item.status, item.review_note = ItemStatus.OPEN, return_note
    if story.closed is not None:
        item.status, item.closed_by, item.closed_at, item.review_note = (
            ItemStatus.CLOSED,
            raiser,
            story.closed,
            close_note,
        )
    return item


def _evidence(draft: Draft, title: str, times: Times) -> None:
    """The unit's report with its account, uploaded just before it answered."""
    item = draft.item
    if item.status == ItemStatus.OPEN or item.responded_at is None:
        return
    sentences = [s for s in re.split(r"(?<=[。；：])", item.response) if s]
    data = files.pdf(
        title.removesuffix(".pdf"),
        ["区财政局：", *sentences, "", item.unit.name, writing.day(timezone.localdate(item.responded_at))],
    )
    at = timezone.localtime(item.responded_at) - dt.timedelta(minutes=times.clock.uniform(5, 50))
    at = max(at, min(at.replace(hour=8, minute=30), item.responded_at - dt.timedelta(minutes=2)))
    draft.evidence.append((title, data, at))


# --- the 2023 self-evaluation -------------------------------------------------------------------


def _from_selfeval(region: Region, cast: Cast, times: Times, rng: random.Random) -> list[Draft]:
    """Every 自评失真 form, most accepted 差 forms and some of the lower 中 ones: the office's
    notices of May–June 2024, answered by the unit's editor; all closed but a couple."""
    forms = list(
        SelfEval.objects.with_scope(region=[region.pk], unit=None)
        .filter(round__fiscal_year__year=YEAR, status=Status.ACCEPTED)
        .filter(Q(distorted=True) | Q(grade__in=("中", "差")))
        .select_related("unit", "project")
        .prefetch_related("lines")
        .order_by("unit__code", "kind", "project__code")
    )
    distorted = [f for f in forms if f.distorted]
    poor = [f for f in forms if f.grade == "差" and not f.distorted and rng.random() < POOR_SHARE]
    fair = sorted((f for f in forms if f.grade == "中" and not f.distorted), key=lambda f: f.total or Decimal(0))
    lower = fair[: max(1, (len(fair) + 1) // 2)]
    picked = rng.sample(lower, min(len(lower), max(3, round(len(fair) * FAIR_SHARE))))
    chosen = [f for f in forms if f in poor or f in picked]
    fates = ["closed_after_return" if rng.random() < RETURN_SHARE else "closed" for _ in chosen]
    for n, fate in zip(
        rng.sample(range(len(chosen)), min(2, len(chosen))), ("answered", "answered_late"), strict=False
    ):
        fates[n] = fate
    drafts = []
    for n, form in enumerate(distorted):
        created = times.raised(NOTICES + times.days(0.5, 4))
        due = timezone.localdate(created) + dt.timedelta(days=times.clock.choice((30, 45)))
        story = _story("closed_after_return" if n == 0 else "closed", created, due, times)
        item = _item(
            unit=form.unit,
            project=form.project,
            source=Source.SELFEVAL,
            selfeval=form,
            problem=writing.distorted_problem(form),
            requirement=writing.distorted_requirement(form, due),
            raiser=cast.office,
            story=story,
            editor=cast.editors[form.unit_id],
            response=writing.distorted_response(form, rng, again=story.returned is not None),
            first_response=writing.DISTORTED_THIN,
            return_note=writing.DISTORTED_RETURN,
            close_note=rng.choice(writing.CLOSE_NOTES[:2]),
        )
        draft = Draft(item, created)
        _evidence(draft, f"{form.title}自评数据更正说明及统计台账.pdf", times)
        drafts.append(draft)
    for form, fate in zip(chosen, fates, strict=True):
        found = writing.shortfalls(list(form.lines.all()), 3 if form.grade == "差" else 2)
        created = times.raised(NOTICES + times.days(3, 38))
        due = timezone.localdate(created) + dt.timedelta(days=times.clock.choice((30, 30, 45, 60)))
        story = _story(fate, created, due, times)
        answered = story.responded or created
        item = _item(
            unit=form.unit,
            project=form.project,
            source=Source.SELFEVAL,
            selfeval=form,
            problem=writing.selfeval_problem(form, found),
            requirement=writing.selfeval_requirement(form, found, due),
            raiser=cast.office,
            story=story,
            editor=cast.editors[form.unit_id],
            response=writing.selfeval_response(
                form, found, timezone.localtime(answered), rng, again=story.returned is not None
            ),
            first_response=rng.choice(writing.THIN_ANSWERS),
            return_note=rng.choice(writing.SELFEVAL_RETURNS),
            close_note=rng.choice(writing.CLOSE_NOTES),
        )
        draft = Draft(item, created)
        _evidence(draft, f"{form.title}整改情况报告.pdf", times)
        drafts.append(draft)
    return drafts


# --- this year's monitoring decisions ---------------------------------------------------------


def _from_monitoring(region: Region, times: Times, cast: Cast, rng: random.Random) -> list[Draft]:
    """An item for each decision that calls for correction (纠偏, 暂缓拨款, 停止执行), raised
    by whoever decided a few hours to a day later and due within a month. It stands as the
    decision does: open (overdue when the decision is), answered, or closed; a suspension the
    unit answered thinly is sent back."""
    decisions = list(
        Decision.objects.with_scope(region=[region.pk], unit=None)
        .filter(kind__in=CORRECTING)
        .select_related("unit", "project", "report", "decided_by")
        .prefetch_related("report__lines")
        .order_by("decided_at", "project__code")
    )
    drafts = []
    for decision in decisions:
        if decision.decided_at >= times.now:
            continue  # stamped in office hours later today (a Monday's "yesterday" is this morning)
        warned = writing.warned_lines(list(decision.report.lines.all()))
        created = times.at(
            decision.decided_at + dt.timedelta(hours=times.clock.uniform(3, 30)), after=decision.decided_at
        )
        due = timezone.localdate(created) + dt.timedelta(days=times.clock.choice((20, 25, 30)))
        if decision.status == DecisionStatus.OPEN:
            if decision.overdue:
                due = max(
                    min(due, times.today - dt.timedelta(days=times.clock.randint(2, 6))), timezone.localdate(created)
                )
            else:
                due = max(due, times.today + dt.timedelta(days=5))
            story = Story(due)
        else:
            fate = {DecisionStatus.CLOSED: "closed", DecisionStatus.ANSWERED: "answered"}[decision.status]
            if fate == "answered" and decision.kind == DecisionKind.SUSPEND:
                fate = "returned"
            story = _story(fate, created, due, times)
            if decision.followed_at is not None:
                # The unit answered finance's decision and the item together.
                answered = times.at(
                    decision.followed_at + dt.timedelta(minutes=times.clock.uniform(20, 180)), after=created
                )
                if story.first is not None:
                    story.first = story.responded = answered
                    assert story.returned is not None
                    story.returned = times.at(answered + times.days(1, 3), after=answered)
                    story.due = max(
                        timezone.localdate(story.returned) + dt.timedelta(days=15), times.today + dt.timedelta(days=5)
                    )
                else:
                    story.responded = answered
                if story.closed is not None:
                    closed = max(decision.closed_at or answered, answered)
                    story.closed = times.at(closed + dt.timedelta(minutes=times.clock.uniform(30, 240)), after=answered)
        answered_at = timezone.localtime(story.responded or created)
        item = _item(
            unit=decision.unit,
            project=decision.project,
            source=Source.MONITORING,
            decision=decision,
            problem=writing.monitoring_problem(decision, warned),
            requirement=writing.monitoring_requirement(decision, warned, due),
            raiser=decision.decided_by,
            story=story,
            editor=cast.editors[decision.unit_id],
            response=writing.monitoring_response(decision, warned, answered_at, rng),
            first_response=writing.MONITORING_THIN,
            return_note=writing.monitoring_return(decision, warned),
            close_note=writing.MONITORING_CLOSES[DecisionKind(decision.kind)],
        )
        draft = Draft(item, created)
        kind = {DecisionKind.STOP: "资金退库凭证及合同解除协议", DecisionKind.SUSPEND: "整改方案"}.get(
            DecisionKind(decision.kind), "纠偏方案"
        )
        _evidence(draft, f"{decision.project.name}{kind}.pdf", times)
        drafts.append(draft)
    return drafts


# --- a key evaluation, audit findings, a subsidy check -----------------------------------------


def _from_cases(region: Region, times: Times, cast: Cast) -> list[Draft]:
    units = {
        u.code: u
        for u in Unit.objects.with_scope(region=[region.pk], unit=None).filter(code__in={c.unit for c in writing.CASES})
    }
    drafts = []
    for case in writing.CASES:
        unit = units.get(case.unit)
        if unit is None:
            continue
        project = None
        score = None
        evaluation = None
        if case.project:
            project = (
                Project.objects.with_scope(region=[region.pk], unit=None)
                .filter(unit=unit, fiscal_year__year=case.year, name=case.project)
                .first()
            )
            if project is None:
                continue
            score = (
                SelfEval.objects.with_scope(region=[region.pk], unit=None)
                .filter(project=project)
                .values_list("total", flat=True)
                .first()
            )
            if case.source == Source.EVALUATION:
                # The key evaluation the item comes from (the key evaluation demo rated it).
                evaluation = (
                    Evaluation.objects.with_scope(region=[region.pk], unit=None)
                    .filter(project=project, status=KeyStatus.RATED)
                    .first()
                )
        on = case.raised if isinstance(case.raised, dt.date) else times.today - dt.timedelta(days=case.raised)
        start = timezone.make_aware(dt.datetime.combine(on, dt.time(9, 30)))
        created = times.raised(start + dt.timedelta(minutes=times.clock.uniform(0, 300)))
        due = timezone.localdate(created) + dt.timedelta(days=case.days)
        story = _story(case.fate, created, due, times)
        texts = writing.case_texts(case, unit, project, score, due)
        assert unit.section_id is not None
        item = _item(
            unit=unit,
            project=project,
            source=case.source,
            problem=texts.problem,
            requirement=texts.requirement,
            raiser=cast.office if case.by == "office" else cast.reviewers[unit.section_id],
            story=story,
            editor=cast.editors[unit.pk],
            response=texts.response,
            first_response=texts.first_response,
            return_note=texts.return_note,
            close_note=texts.close_note,
            evaluation=evaluation,
        )
        draft = Draft(item, created)
        _evidence(draft, f"{project.name if project else writing.short(unit)}整改情况报告.pdf", times)
        drafts.append(draft)
    return drafts


# --- the writes -------------------------------------------------------------------------------


def _write(region: Region, drafts: Sequence[Draft], today: dt.date) -> dict[str, int]:
    """Items and their evidence in bulk, with their own times (auto_now_add stamps today)."""
    items = [d.item for d in drafts]
    Item.objects.with_scope(region=[region.pk], unit=None).bulk_create(items)
    for d in drafts:
        d.item.created_at = d.created
    update_rows(items, ["created_at"])
    evidence = []
    uploaded = []
    for d in drafts:
        for name, data, at in d.evidence:
            row = Evidence(item=d.item, name=name, size=len(data), uploaded_by=d.item.responded_by)
            row.file.save(name, ContentFile(data), save=False)
            evidence.append(row)
            uploaded.append(at)
    Evidence.objects.bulk_create(evidence)
    for row, at in zip(evidence, uploaded, strict=True):
        row.uploaded_at = at
    update_rows(evidence, ["uploaded_at"])
    sources = Counter(i.source for i in items)
    states = Counter(i.status for i in items)
    return {
        "items": len(items),
        **{f"source_{s}": sources.get(s, 0) for s in Source.values},
        **{f"status_{s}": states.get(s, 0) for s in ItemStatus.values},
        "overdue": sum(i.status == ItemStatus.OPEN and i.due < today for i in items),
        "returned": sum(i.rounds > 0 for i in items),
        "late": sum(i.late for i in items),
        "evidence": len(evidence),
    }
