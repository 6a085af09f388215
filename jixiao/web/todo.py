"""The home page's to-do list: each app registers providers; the home page asks them all.

A provider takes the actor and its context and returns items; an item with a count of zero is
not shown. Later stages (goal sheets to review, monitoring forms due ...) add their own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jixiao.accounts.permissions import ActorContext


@dataclass(frozen=True)
class Todo:
    title: str
    count: int
    url: str
    level: str = "warning"  # Bootstrap contextual class: danger, warning, info


Provider = Callable[[Any, ActorContext], list[Todo]]
PROVIDERS: list[Provider] = []


def todo_provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def todos_for(actor: Any, ctx: ActorContext) -> list[Todo]:
    return [item for provider in PROVIDERS for item in provider(actor, ctx) if item.count]
