"""One sheet as the rules read it: the facts several rules need, worked out once."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from jixiao.core.checks.catalogue import Finding, RuleSet
from jixiao.core.checks.context import Context, LibraryIndex, bigrams, fold, library_index
from jixiao.core.sheet import GoalSheet, Indicator
from jixiao.core.values import Target

OUTPUT, BENEFIT, SATISFACTION, COST = "产出", "效益", "满意度", "成本"
QUANTITY, QUALITY, TIME = "数量", "质量", "时效"


def level1_kind(level1: str) -> str:
    if "产出" in level1:
        return OUTPUT
    if "效益" in level1 or "效果" in level1:
        return BENEFIT
    if "满意" in level1:
        return SATISFACTION
    if "成本" in level1:
        return COST
    return ""


def level2_kind(level2: str) -> str:
    for kind, words in ((QUANTITY, ("数量",)), (QUALITY, ("质量",)), (TIME, ("时效", "进度")), (COST, ("成本",))):
        if any(w in level2 for w in words):
            return kind
    if "满意" in level2:
        return SATISFACTION
    return ""


@dataclass
class Row:
    """A named indicator with the facts the rules test."""

    index: int
    indicator: Indicator
    name: str  # folded (NFKC, lower case, no spaces)
    value: str  # folded value cell
    level1: str  # OUTPUT / BENEFIT / SATISFACTION / COST / ""
    level2: str  # QUANTITY / QUALITY / TIME / COST / SATISFACTION / ""
    target: Target = field(init=False)

    def __post_init__(self) -> None:
        self.target = self.indicator.target

    @property
    def is_cost(self) -> bool:
        return self.level1 == COST or self.level2 == COST

    @property
    def is_satisfaction(self) -> bool:
        return self.level1 == SATISFACTION or self.level2 == SATISFACTION

    @property
    def measurable(self) -> bool:
        """A number or a deadline that can be checked at the year's end."""
        t = self.target
        return t.problem is None and (t.number is not None or t.date is not None)


class SheetView:
    def __init__(self, sheet: GoalSheet, context: Context) -> None:
        self.sheet = sheet
        self.context = context
        self.rules: RuleSet = context.rules
        self.found: list[Finding] = []  # what the rules found so far (read by the rules that run after)
        self.rows: list[Row] = []
        self.blank: list[tuple[int, Indicator]] = []
        for i, ind in enumerate(sheet.indicators):
            name = fold(ind.name)
            if not name:
                self.blank.append((i, ind))
                continue
            self.rows.append(Row(i, ind, name, fold(ind.value), level1_kind(ind.level1), level2_kind(ind.level2)))

    def threshold(self, key: str) -> Decimal:
        return self.rules.number(key)

    @cached_property
    def level1_kinds(self) -> frozenset[str]:
        return frozenset(r.level1 for r in self.rows)

    @cached_property
    def output_dimensions(self) -> frozenset[str]:
        return frozenset(r.level2 for r in self.rows if r.level1 == OUTPUT or r.level2 in (QUANTITY, QUALITY, TIME))

    @cached_property
    def project_name(self) -> str:
        return self.sheet.project.name if self.sheet.project else ""

    @cached_property
    def library(self) -> LibraryIndex | None:
        return library_index(self.context.library, self.rules)

    @cached_property
    def project_grams(self) -> frozenset[str]:
        """Bigrams of what the sheet says the project is: name, description, category."""
        project = self.sheet.project
        if project is None:
            return frozenset()
        stop = self.rules.words("relevance_stop_bigrams")
        text = " ".join([project.name, project.description, project.category, *self.context.category_names])
        return frozenset(bigrams(fold(text), stop))

    @cached_property
    def project_categories(self) -> set[str]:
        index = self.library
        project = self.sheet.project
        if index is None or project is None:
            return set()
        stop = self.rules.words("relevance_stop_bigrams")
        explicit = (
            [project.category, *self.context.category_names] if project.category else [*self.context.category_names]
        )
        # The category written in words (农产品质量安全) points the same way as the project's name.
        return index.categories_for(bigrams(fold(f"{project.name} {project.category}"), stop), explicit)

    @cached_property
    def project_text(self) -> str:
        project = self.sheet.project
        if project is None:
            return ""
        return fold(" ".join([project.name, project.category, project.description, *self.context.category_names]))

    def library_levels(self, row: Row) -> frozenset[str]:
        index = self.library
        return index.levels.get(row.name, frozenset()) if index else frozenset()

    def in_library(self, row: Row) -> bool:
        index = self.library
        return index is not None and row.name in index.names

    @cached_property
    def project_chars(self) -> frozenset[str]:
        """The meaningful characters of the project's name (路灯 → 路, 灯), for names that share
        a character but no bigram with it (亮灯率)."""
        stop = self.rules.words("relevance_stop_chars")
        return frozenset(ch for ch in fold(self.project_name) if "\u4e00" <= ch <= "\u9fff" and ch not in stop)

    def related(self, grams: AbstractSet[str]) -> bool:
        """Whether any of ``grams`` belongs to the project's text or its categories' indicators."""
        if grams & self.project_grams:
            return True
        index = self.library
        if index is None:
            return False
        return any(grams & index.category_terms[c] for c in self.project_categories)
