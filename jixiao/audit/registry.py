"""Action codes and their Chinese labels, in one place (model: pretix logentrytype_registry).

Each app registers its codes with ``register_actions`` in its ``AppConfig.ready``; the log page
and the object history read labels from here. An unregistered code cannot be logged.
"""

ACTIONS: dict[str, str] = {}


def register_actions(actions: dict[str, str]) -> None:
    for code, label in actions.items():
        if code in ACTIONS and ACTIONS[code] != label:
            raise ValueError(f"audit action {code} registered twice with different labels")
        ACTIONS[code] = label


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)
