"""The season's history: the workflow steps that brought each sheet to where it stands, with
their people, times, reasons, grades, comments and snapshots, written in bulk as the services
would have left them (``goals.services.sheet_transition``)."""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.budget.demo_projects import CURRENT_YEAR
from jixiao.budget.models import FundSource, Project
from jixiao.core import checks
from jixiao.core.sheet import GoalSheet as CoreSheet
from jixiao.core.workflow import Action, State
from jixiao.goals.demo.defects import justification
from jixiao.goals.demo.writer import Content, ProjectFacts, wan
from jixiao.goals.models import Comment, Event, Finding, GoalSheet, Indicator, Kind, Snapshot
from jixiao.goals.review import finding_model, ruleset_of, to_core
from jixiao.org.models import Unit

SEASON_DAYS = 42  # the season opened six weeks ago (DOMAIN.md §3.1: goals reviewed in Q4)

# Where each fate's sheet stands, and the steps that brought it there.
PATHS: dict[str, tuple[Action, ...]] = {
    "draft": (),
    "leader": (Action.SUBMIT,),
    "section": (Action.SUBMIT, Action.LEADER_APPROVE),
    "office": (Action.SUBMIT, Action.LEADER_APPROVE, Action.SECTION_APPROVE),
    "approved": (Action.SUBMIT, Action.LEADER_APPROVE, Action.SECTION_APPROVE, Action.OFFICE_APPROVE),
    "returned_leader": (Action.SUBMIT, Action.LEADER_RETURN),
    "returned_section": (Action.SUBMIT, Action.LEADER_APPROVE, Action.SECTION_RETURN),
    "returned_office": (Action.SUBMIT, Action.LEADER_APPROVE, Action.SECTION_APPROVE, Action.OFFICE_RETURN),
    "rejected": (Action.SUBMIT, Action.LEADER_APPROVE, Action.SECTION_APPROVE, Action.OFFICE_REJECT),
    "adjusting": (Action.SUBMIT, Action.LEADER_APPROVE, Action.SECTION_APPROVE, Action.OFFICE_APPROVE, Action.ADJUST),
}
TARGETS = {
    Action.SUBMIT: State.LEADER,
    Action.LEADER_APPROVE: State.SECTION,
    Action.LEADER_RETURN: State.RETURNED,
    Action.SECTION_APPROVE: State.OFFICE,
    Action.SECTION_RETURN: State.RETURNED,
    Action.OFFICE_APPROVE: State.APPROVED,
    Action.OFFICE_RETURN: State.RETURNED,
    Action.OFFICE_REJECT: State.REJECTED,
    Action.ADJUST: State.ADJUSTING,
}
RETURNS = (Action.LEADER_RETURN, Action.SECTION_RETURN, Action.OFFICE_RETURN)
# Days a step usually takes after the one before it.
DELAYS = {
    Action.SUBMIT: (1.0, 9.0),
    Action.LEADER_APPROVE: (0.1, 2.5),
    Action.LEADER_RETURN: (0.1, 2.0),
    Action.SECTION_APPROVE: (0.5, 6.0),
    Action.SECTION_RETURN: (0.5, 5.0),
    Action.OFFICE_APPROVE: (0.5, 7.0),
    Action.OFFICE_RETURN: (0.5, 6.0),
    Action.OFFICE_REJECT: (1.0, 6.0),
    Action.ADJUST: (2.0, 8.0),
}
# How the season has gone, by what the review found: (fate, weight).


@dataclass
class Draft:
    """One sheet being made: its row, its content (and an earlier returned version), what the
    review found and the path it took."""

    sheet: GoalSheet
    content: Content
    facts: ProjectFacts | None = None
    sound: Content | None = None  # as a careful unit would have written it
    earlier: Content | None = None  # the version sent back once before this one was approved
    adjusted_from: Content | None = None  # the approved version an adjustment started from
    line_off: str = ""  # the department line that disagrees with its project sheet
    core: CoreSheet | None = None
    findings: list[checks.Finding] = field(default_factory=list)
    earlier_findings: list[checks.Finding] = field(default_factory=list)
    fate: str = "draft"

    @property
    def worst(self) -> str:
        severities = {f.severity for f in self.findings}
        return "error" if "error" in severities else "warning" if "warning" in severities else "clean"


@dataclass
class Cast:
    """Who acts on the demo's sheets."""

    office: User
    editors: dict[int, User]  # by unit id
    leaders: dict[int, User]  # by top-level unit id
    reviewers: dict[int, User]  # by finance section id
    tops: dict[int, Unit]  # unit id -> its top-level unit
    created: int = 0

    def actor(self, action: Action, unit: Unit) -> User:
        if action in (Action.SUBMIT, Action.WITHDRAW, Action.ADJUST):
            return self.editors[unit.pk]
        if action in (Action.LEADER_APPROVE, Action.LEADER_RETURN):
            return self.leaders[self.tops[unit.pk].pk]
        if action in (Action.SECTION_APPROVE, Action.SECTION_RETURN):
            assert unit.section_id is not None
            return self.reviewers[unit.section_id]
        return self.office


def funds_for(project: Project, total: Decimal) -> dict[str, Decimal]:
    """The project's fund mix, with any difference from ``total`` in its largest source."""
    funds = {s.value: getattr(project, f"fund_{s.value}") for s in FundSource}
    difference = total - sum(funds.values(), Decimal(0))
    if difference:
        largest = max(funds, key=lambda k: funds[k])
        funds[largest] = max(Decimal(0), funds[largest] + difference)
    return funds


# --- the workflow history and the writes ------------------------------------------------------


@dataclass
class Step:
    action: Action
    at: datetime
    reason: str = ""
    grade: str = ""
    adjustment: str = ""
    version: int | None = None
    comments: list[tuple[int | None, str, str]] = field(default_factory=list)  # (position, name, text)


def _steps(d: Draft, rng: random.Random, clock: random.Random, now: datetime) -> tuple[list[Step], datetime, datetime]:
    """The actions that brought the sheet to its fate, at office hours inside the season; when
    the sheet was started and when it last changed. Times are drawn from ``clock``: they depend
    on the day the demo is built, and must not shift what ``rng`` decides."""
    if d.fate == "approved_after_return":
        back = rng.choice(("returned_leader", "returned_section", "returned_office"))
        actions = [*PATHS[back], *PATHS["approved"]]
    else:
        actions = list(PATHS[d.fate])
    created = now - timedelta(days=SEASON_DAYS - clock.uniform(0, 12))
    times = []
    t = created
    for action in actions:
        low, high = (1.0, 5.0) if action is Action.SUBMIT and times else DELAYS[action]
        t = t + timedelta(days=clock.uniform(low, high))
        times.append(t)
    latest = now - timedelta(hours=clock.uniform(1, 40))
    if not times:
        # A draft: last saved some time after it was started.
        times = [created + (latest - created) * clock.uniform(0.3, 1.0)]
    elif times[-1] > latest:
        span = (latest - created) / (times[-1] - created)
        times = [created + (x - created) * span for x in times]
    stamped = _office_hours([created, *times], now, clock)
    return [Step(a, x) for a, x in zip(actions, stamped[1:], strict=False)], stamped[0], stamped[-1]


def _office_hours(times: list[datetime], now: datetime, rng: random.Random) -> list[datetime]:
    """The times moved to working days and hours (Beijing time), in order, none in the future."""
    tz = timezone.get_default_timezone()
    out: list[datetime] = []
    for t in times:
        local = t.astimezone(tz)
        opening = local.replace(hour=8, minute=30, second=0, microsecond=0)
        if local < opening:
            local = opening + timedelta(minutes=rng.uniform(0, 90))
        elif local > opening.replace(hour=17, minute=45):
            local = opening + timedelta(days=1, minutes=rng.uniform(0, 90))
        while local.weekday() >= 5:
            local += timedelta(days=1)
        if out and local <= out[-1]:
            local = out[-1] + timedelta(minutes=rng.uniform(5, 90))
        out.append(local)
    # Moving forward may cross the present: the last steps then happened just now.
    for n in range(len(out) - 1, -1, -1):
        ceiling = (
            now - timedelta(minutes=7 * (len(out) - n)) if n == len(out) - 1 else out[n + 1] - timedelta(minutes=7)
        )
        if out[n] > ceiling:
            out[n] = ceiling
    return out


def _titles(findings: Sequence[checks.Finding]) -> list[str]:
    seen: list[str] = []
    for f in findings:
        title = checks.CATALOGUE[f.rule].title
        if f.severity != "info" and title not in seen:
            seen.append(title)
    return seen


def _comments(findings: Sequence[checks.Finding], rows: Sequence[Any]) -> list[tuple[int | None, str, str]]:
    out = []
    done = set()
    for f in findings:
        if f.severity == "info" or (f.indicator, f.rule) in done:
            continue
        done.add((f.indicator, f.rule))
        name = rows[f.indicator].name if f.indicator is not None and f.indicator < len(rows) else ""
        out.append((f.indicator, name, f"{f.message}{f.hint}"))
    return out[:5]


def _return_reason(action: Action, titles: list[str]) -> str:
    listed = "；".join(titles[:4]) or "指标设置不够具体"
    if action is Action.LEADER_RETURN:
        return f"请按以下意见修改后重新报送：{listed}。"
    if action is Action.SECTION_RETURN:
        return f"经初审，目标表存在以下问题：{listed}。请逐条修改后重新报送。"
    return f"审核结果为「中」：{listed}。请单位修改完善后按程序重新报送。"


@dataclass
class Shot:
    """A snapshot to be: the sheet as submitted."""

    number: int
    data: dict[str, Any]
    at: datetime
    approved_version: int | None = None
    adjustment: str = ""


@dataclass
class History:
    steps: list[Step]
    snapshots: list[Shot]
    started: datetime  # when the unit opened the sheet
    last: datetime  # when it last changed


def _history(d: Draft, rng: random.Random, clock: random.Random, now: datetime) -> History:
    """How the sheet came to its fate; sets its status, grade, approved version and
    justification as the services would have."""
    steps, started, last = _steps(d, rng, clock, now)
    sheet = d.sheet
    snapshots: list[Shot] = []
    status, grade, approved = State.DRAFT, "", 0
    current = d.content
    version = d.earlier or d.adjusted_from or current
    version_findings = d.earlier_findings if d.earlier is not None else d.findings
    adjustment = ""
    for step in steps:
        action = step.action
        if action is Action.SUBMIT:
            if snapshots and d.earlier is not None:
                version, version_findings = current, d.findings
            data = _snapshot(sheet, version, initial=version is d.adjusted_from)
            snapshots.append(Shot(len(snapshots) + 1, data, step.at, adjustment=adjustment if approved else ""))
            step.version = len(snapshots)
            warned = [f.rule for f in version_findings if f.severity == "warning"]
            sheet.justification = justification(warned) if warned else ""
        elif action is Action.OFFICE_APPROVE:
            approved += 1
            grade = "良" if any(f.severity == "warning" for f in version_findings) or rng.random() < 0.25 else "优"
            step.grade = grade
            snapshots[-1].approved_version = approved
            step.version = snapshots[-1].number
            if grade == "良":
                step.reason = "经与单位沟通，对警告事项的说明合理，同意通过。"
        elif action in RETURNS:
            titles = _titles(version_findings)
            step.reason = _return_reason(action, titles)
            step.comments = _comments(version_findings, version.rows)
            if action is Action.OFFICE_RETURN:
                grade = step.grade = "中"
        elif action is Action.OFFICE_REJECT:
            grade = step.grade = "差"
            listed = "；".join(_titles(version_findings)[:4])
            step.reason = (
                f"经审核，该项目绩效目标存在以下问题：{listed}。目标与项目内容和资金规模不匹配，审核结果为「差」，"
                "不得进入预算安排；请单位重新论证后再行申报。"
            )
        elif action is Action.ADJUST:
            project = sheet.project
            assert project is not None
            change = project.adjusted_budget - project.initial_budget
            verb = "追加" if change > 0 else "调减"
            adjustment = f"渌财预〔{CURRENT_YEAR}〕{rng.randint(21, 88)}号（{verb}{wan(abs(change))}万元）"
            step.adjustment = adjustment
            step.reason = f"年中{verb}项目预算，任务量相应变化，申请调整绩效目标。"
        elif action is Action.LEADER_APPROVE and rng.random() < 0.3:
            step.reason = rng.choice(("同意报送。", "已审核，同意。"))
        elif action is Action.SECTION_APPROVE and rng.random() < 0.3:
            step.reason = rng.choice(("初审通过。", "与预算安排一致，同意。"))
        status = TARGETS[action]
    sheet.status, sheet.grade, sheet.approved_version = status.value, grade, approved
    return History(steps, snapshots, started, last)


def _snapshot(sheet: GoalSheet, content: Content, *, initial: bool = False) -> dict[str, Any]:
    """``services.snapshot_data`` for a version held in memory (``initial``: with the amounts
    before the budget adjustment)."""
    data = to_core(sheet, content.rows, history=False).to_data()
    data["goal"] = content.goal
    if content.long_term_goal:
        data["long_term_goal"] = content.long_term_goal
    else:
        data.pop("long_term_goal", None)
    if initial and sheet.project is not None:
        funds = funds_for(sheet.project, sheet.project.initial_budget)
        data["funds"] = {
            "total": str(sheet.project.initial_budget),
            "by_source": {k: str(v) for k, v in funds.items() if v},
        }
    return data


def write(drafts: Sequence[Draft], cast: Cast, rng: random.Random, now: datetime) -> dict[str, int]:
    """Give each sheet its history and write sheets, indicators, findings, events, comments and
    snapshots in bulk. Returns counts."""
    if not drafts:
        return {"sheets": 0}
    clock = random.Random(rng.random())
    histories = [_history(d, rng, clock, now) for d in drafts]
    rules_version = ruleset_of(drafts[0].sheet.region_id, drafts[0].sheet.fiscal_year_id).version
    for d, history in zip(drafts, histories, strict=True):
        s = d.sheet
        counts = Counter(f.severity for f in d.findings)
        s.errors, s.warnings, s.infos = counts["error"], counts["warning"], counts["info"]
        # store_findings stamps the review; the unit's last save reviewed the sheet.
        s.rules_version, s.reviewed_at = rules_version, history.last
    sheets = [d.sheet for d in drafts]
    scope = GoalSheet.objects.with_scope(region=[sheets[0].region_id], unit=None)
    scope.bulk_create(sheets, batch_size=500)
    Indicator.objects.bulk_create(
        [r.to_model(d.sheet, n) for d in drafts for n, r in enumerate(d.content.rows)],
        batch_size=1000,
    )
    Finding.objects.bulk_create(
        [finding_model(d.sheet, f) for d in drafts for f in d.findings],
        batch_size=1000,
    )
    events: list[Event] = []
    event_times: list[datetime] = []
    notes: list[tuple[Event, list[tuple[int | None, str, str]]]] = []
    snapshots: list[Snapshot] = []
    snapshot_times: list[datetime] = []
    for d, history in zip(drafts, histories, strict=True):
        state = State.DRAFT
        for step in history.steps:
            target = TARGETS[step.action]
            event = Event(
                sheet=d.sheet,
                action=step.action.value,
                from_status=state.value,
                to_status=target.value,
                actor=cast.actor(step.action, d.sheet.unit),
                reason=step.reason,
                grade=step.grade,
                adjustment=step.adjustment,
                version=step.version,
            )
            events.append(event)
            event_times.append(step.at)
            if step.comments:
                notes.append((event, step.comments))
            state = target
        for shot in history.snapshots:
            snapshots.append(
                Snapshot(
                    sheet=d.sheet,
                    number=shot.number,
                    data=shot.data,
                    approved_version=shot.approved_version,
                    adjustment=shot.adjustment,
                )
            )
            snapshot_times.append(shot.at)
    Event.objects.bulk_create(events, batch_size=1000)
    Comment.objects.bulk_create(
        [
            Comment(sheet=event.sheet, event=event, indicator=position, indicator_name=name[:200], text=text)
            for event, said in notes
            for position, name, text in said
        ],
        batch_size=1000,
    )
    Snapshot.objects.bulk_create(snapshots, batch_size=500)
    # auto_now and auto_now_add stamp the moment of insertion; the season's history is older.
    for event, at in zip(events, event_times, strict=True):
        event.created_at = at
    Event.objects.bulk_update(events, ["created_at"], batch_size=500)
    for snapshot, at in zip(snapshots, snapshot_times, strict=True):
        snapshot.created_at = at
    Snapshot.objects.bulk_update(snapshots, ["created_at"], batch_size=500)
    for sheet, history in zip(sheets, histories, strict=True):
        sheet.created_at, sheet.updated_at = history.started, history.last
    scope.bulk_update(sheets, ["created_at", "updated_at"], batch_size=500)
    states = Counter(d.sheet.status for d in drafts)
    return {
        "sheets": len(drafts),
        "project_sheets": sum(d.sheet.kind == Kind.PROJECT for d in drafts),
        "department_sheets": sum(d.sheet.kind == Kind.DEPARTMENT for d in drafts),
        "with_findings": sum(d.worst != "clean" for d in drafts),
        "with_errors": sum(d.worst == "error" for d in drafts),
        "events": len(events),
        "snapshots": len(snapshots),
        "comments": sum(len(said) for _, said in notes),
        **{f"status_{state.value}": states.get(state.value, 0) for state in State},
    }
