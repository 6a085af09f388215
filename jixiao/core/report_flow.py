"""The monitoring report's workflow (监控表): who moves it from which state to which.

draft ─submit─▶ leader ─leader_approve─▶ submitted ─accept─▶ accepted
  ▲               │  └─withdraw─▶ draft        │
  └── returned ◀──┴─leader_return    section_return─┘

One table, read by the service (which writes the step and the audit entry) and by the pages
(which show only the buttons a person may press).
"""

from dataclasses import dataclass
from enum import StrEnum


class ReportState(StrEnum):
    DRAFT = "draft"
    LEADER = "leader"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ReportAction(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    LEADER_APPROVE = "leader_approve"
    LEADER_RETURN = "leader_return"
    ACCEPT = "accept"
    SECTION_RETURN = "section_return"


@dataclass(frozen=True)
class ReportTransition:
    action: ReportAction
    sources: frozenset[ReportState]
    target: ReportState
    perm: str
    label: str
    needs_reason: bool = False


REPORT_TRANSITIONS: dict[ReportAction, ReportTransition] = {
    t.action: t
    for t in (
        ReportTransition(
            ReportAction.SUBMIT,
            frozenset({ReportState.DRAFT, ReportState.RETURNED}),
            ReportState.LEADER,
            "monitoring.edit",
            "报送单位审核",
        ),
        ReportTransition(
            ReportAction.WITHDRAW, frozenset({ReportState.LEADER}), ReportState.DRAFT, "monitoring.edit", "撤回"
        ),
        ReportTransition(
            ReportAction.LEADER_APPROVE,
            frozenset({ReportState.LEADER}),
            ReportState.SUBMITTED,
            "monitoring.leader_review",
            "单位审核通过，报送财政",
        ),
        ReportTransition(
            ReportAction.LEADER_RETURN,
            frozenset({ReportState.LEADER}),
            ReportState.RETURNED,
            "monitoring.leader_review",
            "退回修改",
            needs_reason=True,
        ),
        ReportTransition(
            ReportAction.ACCEPT,
            frozenset({ReportState.SUBMITTED}),
            ReportState.ACCEPTED,
            "monitoring.section_review",
            "审核通过",
        ),
        ReportTransition(
            ReportAction.SECTION_RETURN,
            frozenset({ReportState.SUBMITTED}),
            ReportState.RETURNED,
            "monitoring.section_review",
            "退回单位修改",
            needs_reason=True,
        ),
    )
}


class ReportFlowError(ValueError):
    pass


def report_transition_for(state: str, action: str, reason: str = "") -> ReportTransition:
    """The transition ``action`` from ``state``, or ``ReportFlowError`` saying why not."""
    try:
        t = REPORT_TRANSITIONS[ReportAction(action)]
    except ValueError:
        raise ReportFlowError(f"未知的操作「{action}」") from None
    if ReportState(state) not in t.sources:
        raise ReportFlowError(f"监控表当前状态不能{t.label}")
    if t.needs_reason and not reason.strip():
        raise ReportFlowError(f"{t.label}须填写意见")
    return t


def report_actions(state: str) -> list[ReportTransition]:
    return [t for t in REPORT_TRANSITIONS.values() if ReportState(state) in t.sources]
