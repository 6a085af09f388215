"""相关性/匹配性: indicators that belong to the project and to its money (DOMAIN.md §16.4:
D21, D23, D25)."""

from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks.catalogue import fragment
from jixiao.core.checks.context import LibraryEntry, bigrams, fold
from jixiao.core.checks.reasonableness import money_text, number_text, ratio_text, usable
from jixiao.core.checks.registry import Hit, rule
from jixiao.core.checks.view import BENEFIT, OUTPUT, QUANTITY, Row, SheetView
from jixiao.core.sheet import GoalSheet
from jixiao.core.values import parse_target


def specific_grams(v: SheetView, r: Row) -> frozenset[str]:
    """The name's bigrams once the generic words (满意度, 完成率, 资金 ...) are taken out; empty
    for an indicator any project may use, which relevance never flags."""
    remainder = v.rules.pattern("generic_indicator_words").sub(" ", r.name)
    return bigrams(remainder, v.rules.words("relevance_stop_bigrams"))


@rule("relevance.unrelated-indicator")
def unrelated_indicator(v: SheetView) -> Iterator[Hit]:
    project = v.sheet.project
    if v.sheet.kind != "project" or project is None:
        return
    index = v.library
    common = index.common_names if index else frozenset()
    satisfaction = v.rules.pattern("satisfaction_words")
    stop = v.rules.words("relevance_stop_bigrams")
    for r in v.rows:
        if r.level1 not in (OUTPUT, BENEFIT) or r.is_cost or r.name in common or satisfaction.search(r.name):
            continue
        specific = specific_grams(v, r)
        if not specific:
            continue  # a generic indicator (完成率, 资金拨付及时率) fits any project
        if v.related(bigrams(r.name, stop)):
            continue
        if index is not None and v.project_categories:
            # With a library, only an indicator that clearly belongs to another kind of project
            # is flagged (垃圾日产日清率 on a street-lighting sheet); unknown words are not.
            own = index.indicator_categories(specific)
            if not own or own & v.project_categories:
                continue
        elif any(ch in v.project_chars for ch in "".join(specific)):
            continue
        yield Hit(r.index, "name", {"name": r.indicator.name, "project": project.name})


def same_unit(a: GoalSheet, b: GoalSheet) -> bool:
    if a.year != b.year:
        return False
    if a.unit_code and b.unit_code:
        return a.unit_code == b.unit_code
    return bool(a.unit_name) and fold(a.unit_name) == fold(b.unit_name)


@rule("relevance.boilerplate")
def boilerplate(v: SheetView) -> Iterator[Hit]:
    sheet = v.sheet
    if sheet.project is None or not v.context.siblings:
        return
    stop = v.rules.words("relevance_stop_bigrams")
    own = bigrams(fold(sheet.project.name), stop)
    others: dict[tuple[str, str], str] = {}
    for other in v.context.siblings:
        if other is sheet or other.project is None or not same_unit(sheet, other):
            continue
        if fold(other.project.name) == fold(sheet.project.name) or own & bigrams(fold(other.project.name), stop):
            continue  # the same or a related project may share indicators
        if sheet.project.category and fold(other.project.category) == fold(sheet.project.category):
            continue  # projects of one category share the category's indicators by design
        for ind in other.indicators:
            key = (fold(ind.name), fold(ind.target.raw))
            others.setdefault(key, other.project.name)
    if not others:
        return
    for r in v.rows:
        other_name = others.get((r.name, fold(r.target.raw)))
        if other_name and specific_grams(v, r):
            yield Hit(r.index, "name", {"name": r.indicator.name, "value": r.target.raw, "other": other_name})


_SCALES = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000)}
_PERIODS = {"": Decimal(1), "年": Decimal(1), "月": Decimal(12)}


def _unit_cost(unit: str) -> tuple[str, Decimal] | None:
    """元/盏·年 → (盏, 1); 元/人·月 → (人, 12): what a unit cost is counted per, and the factor
    to a year's money. None for a cost per day or per visit, which the year's total cannot check."""
    money, slash, rest = unit.partition("/")
    if not slash or money not in _SCALES:
        return None
    per, _, period = rest.partition("·")
    if period not in _PERIODS:
        return None
    return per, _SCALES[money] * _PERIODS[period]


@rule("relevance.unit-cost-out-of-range")
def unit_cost_out_of_range(v: SheetView) -> Iterator[Hit]:
    """The year's money divided by a count (元 per 场) against the unit cost the sheet states for
    it, else against the library's typical range for the project's kind."""
    total = v.sheet.total
    if not total or v.sheet.project is None:
        return
    quantities = [r for r in v.rows if r.level2 == QUANTITY and usable(r) and (r.target.number or 0) > 0]
    stated = [
        (r, found) for r in v.rows if r.is_cost and usable(r) and (found := _unit_cost(r.target.unit)) is not None
    ]
    index = v.library
    stop = v.rules.words("relevance_stop_bigrams")
    product = bigrams(fold(v.sheet.project.name), stop)
    share = v.threshold("unit_cost_name_share")
    for r in quantities:
        t = r.target
        if t.number is None or sum(1 for q in quantities if q.target.unit == t.unit) != 1:
            continue  # the total pays for several counts of that unit: no single unit cost
        # Only the count that is the project itself (放映场次 of 农村公益电影放映) takes the whole
        # total; a project's side counts (图书册数 of 图书馆免费开放) share it with other spending.
        if not product or Decimal(len(product & bigrams(r.name, stop))) < share * len(product):
            continue
        cost = total / t.number
        params = {
            "total": money_text(total),
            "name": r.indicator.name,
            "number": number_text(t.number),
            "unit": t.unit,
            "cost": money_text(cost),
        }
        own = next(((c, f) for c, f in stated if f[0] == t.unit and c.target.number), None)
        if own is not None:
            row, (_, factor) = own
            assert row.target.number is not None
            expected = row.target.number * factor
            ratio = v.threshold("unit_cost_ratio")
            if expected > 0 and not expected / ratio <= cost <= expected * ratio:
                reference = {"entry": row.indicator.name, "value": row.target.raw}
                yield Hit(r.index, "value", {**params, "reference": fragment("unit-cost.sheet", reference)})
            continue
        # A sheet that states its own unit costs (元/人次) is judged by them, not by the library.
        entry = _library_cost(v, r) if index is not None and not stated else None
        if entry is None:
            continue
        library_entry, factor = entry
        assert library_entry.low is not None and library_entry.high is not None
        low, high = library_entry.low * factor, library_entry.high * factor
        if low * v.threshold("unit_cost_low_factor") <= cost <= high * v.threshold("unit_cost_high_factor"):
            continue
        reference = {
            "entry": library_entry.name,
            "low": number_text(library_entry.low),
            "high": number_text(library_entry.high),
            "cost_unit": library_entry.unit,
        }
        yield Hit(r.index, "value", {**params, "reference": fragment("unit-cost.library", reference)})


def _library_cost(v: SheetView, r: Row) -> tuple[LibraryEntry, Decimal] | None:
    """The library's unit cost for the same thing (案件 per 件, not 保洁 per 平方米)."""
    index = v.library
    if index is None:
        return None
    grams = specific_grams(v, r)
    stop = v.rules.words("relevance_stop_bigrams")
    seen: set[int] = set()
    for category in sorted(v.project_categories):
        for entry in index.entries_by_category.get(category, ()):
            if (
                id(entry) in seen
                or entry.low is None
                or entry.high is None
                or "成本" not in entry.level1 + entry.level2
            ):
                continue
            seen.add(id(entry))
            found = _unit_cost(entry.unit)
            if found is None or found[0] != r.target.unit:
                continue
            if grams & bigrams(fold(" ".join([entry.name, *entry.keywords])), stop):
                return entry, found[1]
    return None


@rule("relevance.budget-target-mismatch")
def budget_target_mismatch(v: SheetView) -> Iterator[Hit]:
    total = v.sheet.total
    past = next(
        (p for p in sorted(v.sheet.history, key=lambda p: -p.year) if p.year < v.sheet.year and p.total),
        None,
    )
    if past is None or past.total is None or total is None:
        return
    change = (total - past.total) / past.total
    if abs(change) <= v.threshold("budget_change_ratio"):
        return
    quantities = [r for r in v.rows if r.level2 == QUANTITY and usable(r)]
    if not quantities:
        return
    before = {fold(i.name): i for i in past.indicators}
    for r in quantities:
        old = before.get(r.name)
        if old is None or not old.value.strip():
            return
        target = parse_target(old.value, symbol=old.symbol, unit=old.unit or r.target.unit)
        if target.number is None or target.number != r.target.number:
            return
    direction = "增加" if change > 0 else "减少"
    yield Hit(None, "funds", {"year": str(past.year), "direction": direction, "change": ratio_text(abs(change))})


@rule("relevance.special-bond-no-revenue")
def special_bond_no_revenue(v: SheetView) -> Iterator[Hit]:
    if not v.sheet.special_bond or v.sheet.kind != "project":
        return  # 61号 asks the bond project's own sheet; a department sheet only carries its money
    words = v.rules.pattern("revenue_words")
    if not any(words.search(r.name) for r in v.rows):
        yield Hit(None, "indicators", {})
