"""The rule registry: each rule function is registered under its catalogue code.

A rule reads a ``SheetView`` and yields ``Hit``s; the engine turns them into findings with the
rule set's severity and skips rules switched ``off``. Model: pretix's registries (a dict filled
by a decorator).
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from jixiao.core.checks.catalogue import CATALOGUE

if TYPE_CHECKING:
    from jixiao.core.checks.view import SheetView


class Hit(NamedTuple):
    indicator: int | None
    field: str | None
    params: dict[str, str]


RuleFunction = Callable[["SheetView"], Iterable[Hit]]
RULES: dict[str, RuleFunction] = {}
# Rules that read the other rules' findings (``SheetView.found``) run after them.
AFTER: set[str] = set()


def rule(code: str, *, after: bool = False) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function`` as the check for catalogue ``code`` (one function per code)."""
    if code not in CATALOGUE:
        raise KeyError(f"rule {code} is not in the catalogue (data/checks/rules.json)")

    def register(function: RuleFunction) -> RuleFunction:
        if code in RULES:
            raise KeyError(f"rule {code} registered twice")
        RULES[code] = function
        if after:
            AFTER.add(code)
        return function

    return register
