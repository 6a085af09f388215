"""The goal sheet's states and the transition table: who may move a sheet from where to where.

One table (DOMAIN.md §3.2, §5.4) draws the buttons, checks the permission and drives the test
over every state, action and role. The service in ``jixiao.goals.services`` is the only writer of
a sheet's state and asks this table first.

    draft ─submit─▶ leader ─leader_approve─▶ section ─section_approve─▶ office ─office_approve─▶ approved
      ▲               │ leader_return          │ section_return            │ office_return (中)
      └── returned ◀──┴────────────────────────┴───────────────────────────┤
                                                                           └ office_reject (差) ─▶ rejected
    approved ─adjust (with a budget adjustment)─▶ adjusting ─submit─▶ leader ─▶ … ─▶ approved
"""

from dataclasses import dataclass
from enum import StrEnum

from jixiao.core.access import Role, role_permissions


class State(StrEnum):
    DRAFT = "draft"
    RETURNED = "returned"
    LEADER = "leader"
    SECTION = "section"
    OFFICE = "office"
    APPROVED = "approved"
    REJECTED = "rejected"
    ADJUSTING = "adjusting"


STATE_LABELS: dict[State, str] = {
    State.DRAFT: "填报中",
    State.RETURNED: "被退回",
    State.LEADER: "待单位审核",
    State.SECTION: "待业务股室审核",
    State.OFFICE: "待绩效股审核",
    State.APPROVED: "审核通过",
    State.REJECTED: "审核不通过",
    State.ADJUSTING: "调整中",
}

# States in which the unit may change the sheet's content.
EDITABLE = frozenset({State.DRAFT, State.RETURNED, State.ADJUSTING})
# The reviewer stage each waiting state belongs to.
REVIEW_STAGES = {State.LEADER: "leader", State.SECTION: "section", State.OFFICE: "office"}

GRADES = ("优", "良", "中", "差")
# DOMAIN.md §5.4: 优 goes straight to the budget, 良 proceeds after consultation, 中 is revised
# and resubmitted, 差 does not enter the budget.
GRADE_HANDLING = {
    "优": "直接进入预算安排",
    "良": "与单位沟通完善后进入预算安排",
    "中": "退回单位修改后重新报送",
    "差": "不得进入预算安排",
}


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    LEADER_APPROVE = "leader_approve"
    LEADER_RETURN = "leader_return"
    SECTION_APPROVE = "section_approve"
    SECTION_RETURN = "section_return"
    OFFICE_APPROVE = "office_approve"
    OFFICE_RETURN = "office_return"
    OFFICE_REJECT = "office_reject"
    REOPEN = "reopen"
    ADJUST = "adjust"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State
    perm: str
    label: str
    style: str  # Bootstrap button colour
    needs_reason: bool = False
    grades: tuple[str, ...] = ()  # a grade is required and must be one of these
    needs_adjustment: bool = False  # the budget adjustment it goes with

    @property
    def is_return(self) -> bool:
        return self.target is State.RETURNED


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.SUBMIT,
            frozenset({State.DRAFT, State.RETURNED, State.ADJUSTING}),
            State.LEADER,
            "goals.edit",
            "报送单位审核",
            "primary",
        ),
        Transition(Action.WITHDRAW, frozenset({State.LEADER}), State.DRAFT, "goals.edit", "撤回", "outline-secondary"),
        Transition(
            Action.LEADER_APPROVE,
            frozenset({State.LEADER}),
            State.SECTION,
            "goals.leader_review",
            "单位审核通过，报送财政",
            "success",
        ),
        Transition(
            Action.LEADER_RETURN,
            frozenset({State.LEADER}),
            State.RETURNED,
            "goals.leader_review",
            "退回修改",
            "outline-danger",
            needs_reason=True,
        ),
        Transition(
            Action.SECTION_APPROVE,
            frozenset({State.SECTION}),
            State.OFFICE,
            "goals.section_review",
            "初审通过，报绩效股",
            "success",
        ),
        Transition(
            Action.SECTION_RETURN,
            frozenset({State.SECTION}),
            State.RETURNED,
            "goals.section_review",
            "退回修改",
            "outline-danger",
            needs_reason=True,
        ),
        Transition(
            Action.OFFICE_APPROVE,
            frozenset({State.OFFICE}),
            State.APPROVED,
            "goals.office_review",
            "审核通过",
            "success",
            grades=("优", "良"),
        ),
        Transition(
            Action.OFFICE_RETURN,
            frozenset({State.OFFICE}),
            State.RETURNED,
            "goals.office_review",
            "退回修改（中）",
            "outline-danger",
            needs_reason=True,
            grades=("中",),
        ),
        Transition(
            Action.OFFICE_REJECT,
            frozenset({State.OFFICE}),
            State.REJECTED,
            "goals.office_review",
            "审核不通过（差）",
            "danger",
            needs_reason=True,
            grades=("差",),
        ),
        Transition(
            Action.REOPEN,
            frozenset({State.REJECTED}),
            State.RETURNED,
            "goals.office_review",
            "重新打开供单位修改",
            "outline-secondary",
            needs_reason=True,
        ),
        Transition(
            Action.ADJUST,
            frozenset({State.APPROVED}),
            State.ADJUSTING,
            "goals.edit",
            "申请调整绩效目标",
            "outline-primary",
            needs_reason=True,
            needs_adjustment=True,
        ),
    )
}


class TransitionError(ValueError):
    """Why an action cannot be taken; the message is Chinese."""


def transition_for(state: str, action: str) -> Transition:
    """The transition of ``action`` from ``state``, or ``TransitionError``."""
    try:
        t = TRANSITIONS[Action(action)]
    except ValueError:
        raise TransitionError(f"未知的操作「{action}」") from None
    if State(state) not in t.sources:
        raise TransitionError(f"目标表当前状态为「{STATE_LABELS[State(state)]}」，不能执行「{t.label}」")
    return t


def allowed(state: str, role: str) -> list[Transition]:
    """The actions a role may take on a sheet in ``state`` (reach is checked separately)."""
    perms = role_permissions(role)
    return [t for t in TRANSITIONS.values() if State(state) in t.sources and t.perm in perms]


def check_input(t: Transition, *, reason: str, grade: str, adjustment: str) -> None:
    """The input the transition requires, or ``TransitionError``."""
    if t.needs_reason and not reason.strip():
        raise TransitionError(f"「{t.label}」须填写理由")
    if t.grades and grade not in t.grades:
        raise TransitionError(f"「{t.label}」须选择审核结果：{'、'.join(t.grades)}")
    if not t.grades and grade:
        raise TransitionError(f"「{t.label}」不评定审核结果")
    if t.needs_adjustment and not adjustment.strip():
        raise TransitionError("调整绩效目标须注明对应的预算调整（文号或调整事项）")


def check_table() -> list[str]:
    """Problems with the table itself: a permission no role has, a state nobody leaves."""
    problems = []
    granted = set().union(*(role_permissions(r) for r in Role))
    problems.extend(f"{t.action}: nobody holds {t.perm}" for t in TRANSITIONS.values() if t.perm not in granted)
    left = set().union(*(t.sources for t in TRANSITIONS.values()))
    problems.extend(f"{s}: no way out" for s in State if s not in left)
    return problems
