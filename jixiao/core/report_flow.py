"""The workflow of a unit's report to finance: the monitoring form (监控表) and the
self-evaluation form (绩效自评表) move the same way, each with its own permissions.

draft ─submit─▶ leader ─leader_approve─▶ submitted ─accept─▶ accepted
  ▲               │  └─withdraw─▶ draft        │
  └── returned ◀──┴─leader_return    section_return─┘

One table, read by the service (which writes the step and the audit entry) and by the pages
(which show only the buttons a person may press).
"""

from collections.abc import Mapping
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


def build_transitions(*, edit: str, leader: str, review: str) -> dict[ReportAction, ReportTransition]:
    """The table with the permissions of one kind of report: who fills it in, the unit's leader,
    and finance's reviewer."""
    return {
        t.action: t
        for t in (
            ReportTransition(
                ReportAction.SUBMIT,
                frozenset({ReportState.DRAFT, ReportState.RETURNED}),
                ReportState.LEADER,
                edit,
                "报送单位审核",
            ),
            ReportTransition(ReportAction.WITHDRAW, frozenset({ReportState.LEADER}), ReportState.DRAFT, edit, "撤回"),
            ReportTransition(
                ReportAction.LEADER_APPROVE,
                frozenset({ReportState.LEADER}),
                ReportState.SUBMITTED,
                leader,
                "单位审核通过，报送财政",
            ),
            ReportTransition(
                ReportAction.LEADER_RETURN,
                frozenset({ReportState.LEADER}),
                ReportState.RETURNED,
                leader,
                "退回修改",
                needs_reason=True,
            ),
            ReportTransition(
                ReportAction.ACCEPT, frozenset({ReportState.SUBMITTED}), ReportState.ACCEPTED, review, "审核通过"
            ),
            ReportTransition(
                ReportAction.SECTION_RETURN,
                frozenset({ReportState.SUBMITTED}),
                ReportState.RETURNED,
                review,
                "退回单位修改",
                needs_reason=True,
            ),
        )
    }


REPORT_TRANSITIONS = build_transitions(
    edit="monitoring.edit", leader="monitoring.leader_review", review="monitoring.section_review"
)
SELFEVAL_TRANSITIONS = build_transitions(
    edit="evaluation.edit", leader="evaluation.leader_review", review="evaluation.review"
)


class ReportFlowError(ValueError):
    pass


def report_transition_for(
    state: str,
    action: str,
    reason: str = "",
    *,
    table: Mapping[ReportAction, ReportTransition] = REPORT_TRANSITIONS,
    noun: str = "监控表",
) -> ReportTransition:
    """The transition ``action`` from ``state``, or ``ReportFlowError`` saying why not."""
    try:
        t = table[ReportAction(action)]
    except ValueError:
        raise ReportFlowError(f"未知的操作「{action}」") from None
    if ReportState(state) not in t.sources:
        raise ReportFlowError(f"{noun}当前状态不能{t.label}")
    if t.needs_reason and not reason.strip():
        raise ReportFlowError(f"{t.label}须填写意见")
    return t


def report_actions(
    state: str, table: Mapping[ReportAction, ReportTransition] = REPORT_TRANSITIONS
) -> list[ReportTransition]:
    return [t for t in table.values() if ReportState(state) in t.sources]
