"""Action codes and their Chinese labels, in one place (model: pretix logentrytype_registry).

Each app registers its codes with ``register_actions`` in its ``AppConfig.ready``; the log page
and the object history read labels from here. An unregistered code cannot be logged.
"""

from collections.abc import Callable
from typing import Any

ACTIONS: dict[str, str] = {}


def register_actions(actions: dict[str, str]) -> None:
    for code, label in actions.items():
        if code in ACTIONS and ACTIONS[code] != label:
            raise ValueError(f"audit action {code} registered twice with different labels")
        ACTIONS[code] = label


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


# Entries that concern an object without naming it as their target (an import that changed
# many units at once) are found through these: target type → function of the target's id
# returning a Q over AuditEntry. Apps register theirs in AppConfig.ready.
HISTORY_EXTENSIONS: dict[str, Callable[[str], Any]] = {}


def register_history(target_type: str, extension: Callable[[str], Any]) -> None:
    HISTORY_EXTENSIONS[target_type] = extension
