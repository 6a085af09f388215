"""The goal-sheet review engine: rules by family, their catalogue, and the rule sets they read.

``review(sheet, context)`` returns ``Finding``s (a rule code plus parameters; message, hint and
basis come from the catalogue in ``data/checks/rules.json``). Nothing here touches a database.
"""

from jixiao.core.checks.catalogue import CATALOGUE, FAMILIES, SEVERITY_LABELS, Finding, RuleInfo, RuleSet
from jixiao.core.checks.context import Context, LibraryEntry, library_entries
from jixiao.core.checks.engine import review, review_together
from jixiao.core.checks.registry import RULES

__all__ = [
    "CATALOGUE",
    "FAMILIES",
    "RULES",
    "SEVERITY_LABELS",
    "Context",
    "Finding",
    "LibraryEntry",
    "RuleInfo",
    "RuleSet",
    "library_entries",
    "review",
    "review_together",
]
