import pytest

from jixiao.core.access import Role, role_permissions
from jixiao.core.workflow import (
    EDITABLE,
    TRANSITIONS,
    Action,
    State,
    TransitionError,
    allowed,
    check_input,
    check_table,
    transition_for,
)


def test_table_is_whole() -> None:
    assert check_table() == []


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_transition_for_every_pair(state: State, action: Action) -> None:
    t = TRANSITIONS[action]
    if state in t.sources:
        assert transition_for(state, action) is t
    else:
        with pytest.raises(TransitionError):
            transition_for(state, action)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("role", list(Role))
def test_allowed_is_the_table_filtered_by_permission(state: State, role: Role) -> None:
    expected = {a for a, t in TRANSITIONS.items() if state in t.sources and t.perm in role_permissions(role)}
    assert {t.action for t in allowed(state, role)} == expected


def test_who_does_what() -> None:
    assert {t.action for t in allowed(State.DRAFT, Role.UNIT_EDITOR)} == {Action.SUBMIT}
    assert {t.action for t in allowed(State.LEADER, Role.UNIT_LEADER)} == {Action.LEADER_APPROVE, Action.LEADER_RETURN}
    assert {t.action for t in allowed(State.SECTION, Role.SECTION)} == {Action.SECTION_APPROVE, Action.SECTION_RETURN}
    assert {t.action for t in allowed(State.OFFICE, Role.OFFICE)} == {
        Action.OFFICE_APPROVE,
        Action.OFFICE_RETURN,
        Action.OFFICE_REJECT,
    }
    for role in (Role.AUDITOR, Role.AGENCY, Role.SYSADMIN):
        assert all(allowed(state, role) == [] for state in State)


def test_editable_states_are_the_ones_submit_leaves_from() -> None:
    assert TRANSITIONS[Action.SUBMIT].sources == EDITABLE


def test_unknown_action() -> None:
    with pytest.raises(TransitionError, match="未知的操作"):
        transition_for(State.DRAFT, "publish")


def test_inputs() -> None:
    with pytest.raises(TransitionError, match="理由"):
        check_input(TRANSITIONS[Action.LEADER_RETURN], reason=" ", grade="", adjustment="")
    with pytest.raises(TransitionError, match="审核结果"):
        check_input(TRANSITIONS[Action.OFFICE_APPROVE], reason="", grade="中", adjustment="")
    with pytest.raises(TransitionError, match="不评定"):
        check_input(TRANSITIONS[Action.SECTION_APPROVE], reason="", grade="优", adjustment="")
    with pytest.raises(TransitionError, match="预算调整"):
        check_input(TRANSITIONS[Action.ADJUST], reason="追加资金", grade="", adjustment="")
    check_input(TRANSITIONS[Action.OFFICE_APPROVE], reason="", grade="良", adjustment="")
    check_input(TRANSITIONS[Action.OFFICE_REJECT], reason="与职能无关", grade="差", adjustment="")
