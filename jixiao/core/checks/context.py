"""What the review knows besides the sheet: rule set, indicator library, budget, sibling sheets."""

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from jixiao.core.checks.catalogue import RuleSet
from jixiao.core.data import read_data
from jixiao.core.sheet import GoalSheet

# Digits say nothing about what an indicator is about (24小时, 2024年).
_PIECES = re.compile(r"[\u4e00-\u9fff]+|[a-z]+")


def fold(text: str) -> str:
    """Text as compared: NFKC, lower case, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=65536)
def bigrams(text: str, stop: frozenset[str] = frozenset()) -> frozenset[str]:
    """Character bigrams of the Han (and latin/digit) runs of already folded text. Indicator
    names repeat across a year's sheets, so the answers are kept."""
    out = set()
    for piece in _PIECES.findall(text):
        if len(piece) == 1:
            continue
        for i in range(len(piece) - 1):
            pair = piece[i : i + 2]
            if pair not in stop:
                out.add(pair)
    return frozenset(out)


@dataclass(frozen=True)
class LibraryEntry:
    """What the review needs from one indicator of the library."""

    name: str
    level1: str
    level2: str
    unit: str = ""
    categories: Sequence[str] = ()  # category codes (and names); empty for a common (共性) indicator
    keywords: Sequence[str] = ()
    low: Decimal | None = None  # typical range of the target (for unit costs: 元 per unit)
    high: Decimal | None = None
    levels: Sequence[str] = ()  # the graded levels of a qualitative indicator (强/较强/一般/弱)


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def library_entries(
    items: Iterable[Mapping[str, Any]], *, category_names: Mapping[str, str] | None = None
) -> list[LibraryEntry]:
    """Entries from the ``data/library/indicators.json`` layout. Each entry also lists its
    categories' names (``category_names``: code → name; by default the shipped
    ``library/categories.json``), so that a sheet naming its category in words finds them."""
    names = _shipped_category_names() if category_names is None else category_names
    out = []
    for item in items:
        codes = list(item.get("categories") or ())
        typical = item.get("typical") or {}
        out.append(
            LibraryEntry(
                name=str(item["name"]),
                level1=str(item.get("level1", "")),
                level2=str(item.get("level2", "")),
                unit=str(item.get("unit") or ""),
                categories=tuple(codes + [names[c] for c in codes if c in names]),
                keywords=tuple(item.get("keywords") or ()),
                low=_decimal(typical.get("low")),
                high=_decimal(typical.get("high")),
                levels=tuple(item.get("levels") or ()),
            )
        )
    return out


@cache
def _shipped_category_names() -> dict[str, str]:
    data = json.loads(read_data("library/categories.json"))
    return {c["code"]: c["name"] for c in data["categories"]}


@dataclass
class Context:
    """Everything a review may use besides the sheet; all of it optional."""

    rules: RuleSet = field(default_factory=RuleSet.default)
    library: Sequence[LibraryEntry] = ()  # may be empty: library-based rules then use only the project text
    category_names: Sequence[str] = ()  # names (and 领域 words) of the project's category
    approved_amount: Decimal | None = None  # the budget system's amount for the project
    siblings: Sequence[GoalSheet] = ()  # other sheets of the same unit and year


class LibraryIndex:
    """The library as the relevance and unit-cost rules read it; built once per library and rule set."""

    def __init__(self, library: Sequence[LibraryEntry], rules: RuleSet) -> None:
        stop = rules.words("relevance_stop_bigrams")
        self.common_names = frozenset(fold(e.name) for e in library if not e.categories)
        self.names = frozenset(fold(e.name) for e in library)
        self.levels: dict[str, frozenset[str]] = {}
        for entry in library:
            if entry.levels:
                key = fold(entry.name)
                self.levels[key] = self.levels.get(key, frozenset()) | {fold(level) for level in entry.levels}
        terms: defaultdict[str, set[str]] = defaultdict(set)
        aliases: defaultdict[str, set[str]] = defaultdict(set)
        kinds: defaultdict[str, set[str]] = defaultdict(set)
        self.entries_by_category: defaultdict[str, list[LibraryEntry]] = defaultdict(list)
        for entry in library:
            if not entry.categories:
                continue
            grams = bigrams(fold(" ".join([entry.name, *entry.keywords])), stop)
            for category in entry.categories:
                terms[category] |= grams
                self.entries_by_category[category].append(entry)
            for gram in grams:
                # A category may go by its code and its name: count it once.
                aliases[gram].update(entry.categories)
                kinds[gram].add(entry.categories[0])
        self.category_terms = {c: frozenset(t) for c, t in terms.items()}
        self.gram_categories = {g: (frozenset(a), len(kinds[g])) for g, a in aliases.items()}
        self.spread = int(rules.number("relevance_category_spread"))
        self.stop = stop

    def scores(self, grams: Iterable[str]) -> dict[str, float]:
        """How strongly bigrams point at each category: a bigram found in the indicators of n
        categories gives each of them 1/n."""
        scores: defaultdict[str, float] = defaultdict(float)
        for gram in grams:
            found = self.gram_categories.get(gram)
            if found and found[1] <= self.spread:
                for category in found[0]:
                    scores[category] += 1 / found[1]
        return scores

    def categories_for(self, name_grams: Iterable[str], explicit: Iterable[str]) -> set[str]:
        """The project's categories: those named, plus those its name points to in the library
        (a bigram such as 路灯 found in few categories' indicators)."""
        chosen = {c for c in explicit if c in self.category_terms}
        scores = self.scores(name_grams)
        if scores:
            best = max(scores.values())
            chosen |= {c for c, s in scores.items() if s >= max(best / 2, 0.25)}
        return chosen

    def indicator_categories(self, grams: Iterable[str]) -> set[str]:
        """The categories an indicator's words clearly belong to (垃圾日产日清率 → 垃圾收运);
        empty when its words are spread over many categories or absent from the library."""
        scores = self.scores(grams)
        if not scores:
            return set()
        best = max(scores.values())
        if best < 1:
            return set()
        return {c for c, s in scores.items() if s >= best / 2}


_INDEXES: dict[tuple[int, int], tuple[Sequence[LibraryEntry], RuleSet, LibraryIndex]] = {}


def library_index(library: Sequence[LibraryEntry], rules: RuleSet) -> LibraryIndex | None:
    """The index of a library, cached while the same library and rule set objects are in use."""
    if not library:
        return None
    key = (id(library), id(rules))
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] is library and cached[1] is rules:
        return cached[2]
    if len(_INDEXES) >= 16:
        _INDEXES.clear()
    index = LibraryIndex(library, rules)
    _INDEXES[key] = (library, rules, index)
    return index
