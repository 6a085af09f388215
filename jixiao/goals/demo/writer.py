"""How a careful county unit writes its goal sheet.

Indicators are picked from the region's library for the project's category (产出 数量/质量/时效,
a unit cost, 效益, a 满意度 naming its respondents), with targets within the library's typical
range, counts sized by the project's money where the library prices them, and an overall goal
that repeats the main numbers. Everything is drawn from the ``random.Random`` passed in.
"""

import math
import random
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from jixiao.goals.review import Row

OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
QUANTITY, QUALITY, TIME = "数量指标", "质量指标", "时效指标"
SATISFACTION2, ECONOMIC_COST = "服务对象满意度指标", "经济成本指标"

# Words in a project's name that say what kind of spending it is; they bring in the library's
# common (共性) indicators for that kind.
WORKS = ("工程", "建设", "改造", "改扩建", "修缮", "加固", "新建", "提质", "维修")
TRAINING = ("培训", "进修", "继续教育")
PURCHASE = ("购置", "采购", "装备")
SUBSIDY = ("补贴", "补助", "救助", "资助", "奖补", "津贴", "抚恤", "慰问")
SERVICE = ("运维", "运行维护", "委托", "购买服务", "保安", "保洁", "外包")
WORK_INDICATOR_WORDS = ("改造", "建设", "新建", "维修", "工程", "造价", "竣工", "施工", "完工")

NOTHING: Mapping[str, Collection[str]] = MappingProxyType({})
_DESCRIPTION_COUNT = re.compile(r"约?(\d+)(人次|人|个|批次|场次|期|公里|吨|亩|户|件|处|项|次|盏)")
_PIECES = re.compile(r"[\u4e00-\u9fff]+")
_STOP = frozenset({"项目", "工作", "经费", "专项", "实施", "建设", "管理", "服务", "保障", "补助", "补贴"})


def bigrams(text: str) -> set[str]:
    out = set()
    for piece in _PIECES.findall(text):
        out.update(piece[i : i + 2] for i in range(len(piece) - 1))
    return out - _STOP


def number_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def nice(value: float, *, digits: int = 2) -> Decimal:
    """Two significant digits, as plans state targets (8,637 → 8,600; 0.437 → 0.44)."""
    if value <= 0:
        return Decimal(0)
    digits = digits - 1 - math.floor(math.log10(value))
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if digits < 0:
        rounded = Decimal(int(rounded))
    return rounded.normalize() if rounded != rounded.to_integral_value() else rounded.quantize(Decimal(1))


def per_unit(unit: str) -> tuple[str, Decimal] | None:
    """元/盏·年 → (盏, 1), 元/人·月 → (人, 12), 万元/公里 → (公里, 10000): what a unit cost is
    counted per and the factor to a year's yuan; None for costs per day or per visit."""
    money, slash, rest = unit.partition("/")
    scale = {"元": Decimal(1), "万元": Decimal(10000)}.get(money)
    per, _, period = rest.partition("·")
    factor = {"": Decimal(1), "年": Decimal(1), "月": Decimal(12)}.get(period)
    if not slash or scale is None or factor is None or not per:
        return None
    return per, scale * factor


def wan(amount: Decimal) -> str:
    """Yuan as 万元 with at most two decimals."""
    return number_text((amount / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class LibraryItem:
    """What the demo needs from one library indicator."""

    pk: int | None
    code: str
    name: str
    level1: str
    level2: str
    unit: str
    symbol: str
    low: Decimal | None
    high: Decimal | None
    basis: str
    source: str
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def grams(self) -> set[str]:
        return bigrams(" ".join([self.name, *self.keywords]))


@dataclass(frozen=True)
class ProjectFacts:
    """One project as its unit sees it when writing the sheet."""

    code: str
    name: str
    category: str  # C01 … C40
    description: str
    start_year: int
    end_year: int
    total: Decimal
    position: float  # 0 = bottom of its category's usual amounts, 1 = top (log scale)
    special_bond: bool = False

    @property
    def grams(self) -> set[str]:
        return bigrams(self.name) | bigrams(self.description)

    def has(self, words: Sequence[str]) -> bool:
        return any(w in self.name for w in words)


@dataclass
class Content:
    """A sheet's content: the goals and the indicator rows, and what was done wrong."""

    goal: str
    long_term_goal: str
    rows: list[Row]
    defects: list[str] = field(default_factory=list)
    total: Decimal | None = None  # a total typed in that differs from the budget (D24)

    def copy(self) -> "Content":
        return Content(self.goal, self.long_term_goal, [replace(r) for r in self.rows], list(self.defects), self.total)


def row_of(item: LibraryItem, symbol: str, value: Decimal | str) -> Row:
    return Row(
        level1=item.level1,
        level2=item.level2,
        name=item.name,
        symbol=symbol,
        value=value if isinstance(value, str) else number_text(value),
        unit=item.unit,
        basis=item.basis,
        source=item.source,
        library_indicator_id=item.pk,
    )


def _percent(item: LibraryItem, rng: random.Random, *, fine: bool = False) -> Decimal:
    low, high = item.low or Decimal(0), item.high or item.low or Decimal(0)
    if low == high:
        return low
    if high - low < 3:
        steps = int((high - low) * 10)
        return (low + Decimal(rng.randint(0, steps)) / 10).normalize()
    if fine:
        steps = int((high - low) * 2)
        return (low + Decimal(rng.randint(0, steps)) / 2).normalize()
    choices = list(range(math.ceil(low), math.floor(high) + 1))
    weights = [4 if c % 5 == 0 else 2 if c in (98, 99) else 1 for c in choices]
    return Decimal(rng.choices(choices, weights)[0])


def target(item: LibraryItem, project: ProjectFacts, rng: random.Random, *, fine: bool = False) -> tuple[str, Decimal]:
    """A target in the library's typical range; counts sized by the project's money. ``fine``
    allows less round values (98.5%, 8,640), for a unit keeping its projects' targets apart."""
    low, high = item.low or Decimal(0), item.high or item.low or Decimal(0)
    symbol = item.symbol
    if item.unit in ("%", "‰"):
        return symbol, _percent(item, rng, fine=fine)
    if symbol == "=":
        return symbol, rng.choice([low, high]).normalize()
    if item.level1 == COST or "成本" in item.level2:
        return symbol, nice(float(low) + float(high - low) * rng.uniform(0.2, 0.9), digits=3 if fine else 2)
    if symbol == "≤":
        if low == high or (rng.random() < 0.5 and not fine):
            return symbol, low.normalize()
        return symbol, Decimal(rng.randint(int(low), max(int(high), int(low) + 1)))
    spread = project.position * rng.uniform(0.8, 1.2) + (rng.uniform(0, 0.2) if fine else 0)
    spread = min(1.0, max(0.0, spread))
    if item.unit == "倍":
        return symbol, (low + (high - low) * Decimal(str(round(spread, 1)))).quantize(Decimal("0.1"))
    count = nice(float(low) + float(high - low) * spread, digits=3 if fine else 2)
    return symbol, max(count, Decimal(1)) if low >= 1 else count


def phrase(row: Row, rng: random.Random, *, lasting: bool = False) -> str:
    """One indicator as the overall goal states it."""
    name, symbol, value = row.name, row.symbol, row.value
    unit = {"工作日": "个工作日", "月": "个月"}.get(row.unit, row.unit)
    if unit == "%":
        if symbol == "=" or value == "100":
            return f"{name}保持{value}%" if lasting else f"{name}达到{value}%"
        if symbol == "≥":
            if lasting:
                return f"{name}稳定在{value}%以上"
            return rng.choice([f"{name}达到{value}%以上", f"{name}不低于{value}%"])
        return f"{name}控制在{value}%以内"
    if symbol == "≤":
        return f"{name}为{value}{unit}" if value == "0" else f"{name}不超过{value}{unit}"
    if symbol == "=":
        return f"{name}为{value}{unit}"
    return rng.choice([f"{name}不少于{value}{unit}", f"{name}达到{value}{unit}"])


class Writer:
    """Writes goal sheets from the region's library (approved indicators)."""

    def __init__(self, library: Sequence[LibraryItem], *, year: int, domains: dict[str, str]) -> None:
        self.year = year
        self.domains = domains
        self.by_category: defaultdict[str, list[LibraryItem]] = defaultdict(list)
        self.common: dict[str, LibraryItem] = {}
        for item in library:
            if item.symbol == "定性" or item.low is None:
                continue
            if item.categories:
                for code in item.categories:
                    self.by_category[code].append(item)
            else:
                self.common[item.code] = item

    # --- the sound sheet ---------------------------------------------------------------------

    def _ranked(
        self,
        project: ProjectFacts,
        rng: random.Random,
        level: Callable[[LibraryItem], bool],
        avoid: Mapping[str, Collection[str]],
    ) -> list[LibraryItem]:
        """The category's indicators of one kind, those naming what the project does first and
        those the unit already used on unrelated projects last."""
        grams = project.grams
        own = bigrams(project.name)
        works = project.has(WORKS)
        items = [i for i in self.by_category[project.category] if level(i)]
        return sorted(
            items,
            key=lambda i: (
                i.name in avoid,
                # Works indicators (校舍面积, 造价) belong to works projects only.
                not works and any(w in i.name for w in WORK_INDICATOR_WORDS),
                -(3 * len(i.grams & own) + len(i.grams & grams) + rng.random() * 1.5),
            ),
        )

    def rows(
        self, project: ProjectFacts, rng: random.Random, avoid: Mapping[str, Collection[str]] = NOTHING
    ) -> list[Row]:
        """The indicator rows of a sound sheet. ``avoid``: indicator name → targets (symbol and
        value) the unit has already set on unrelated projects; a careful unit does not paste
        them again (D21), so it takes another indicator or another target."""
        rows: list[Row] = []

        def choose(
            candidates: Sequence[LibraryItem | None], count: int, *fallbacks: Row | None, required: bool = True
        ) -> None:
            taken = 0
            names = {r.name for r in rows}
            for item in candidates:
                if taken == count:
                    return
                if item is None or item.name in names:
                    continue
                chosen = self._target(item, project, rng, avoid.get(item.name, ()))
                if chosen is not None:
                    rows.append(row_of(item, *chosen))
                    names.add(item.name)
                    taken += 1
            # Fallbacks are worded generically (资金拨付及时率, 项目验收合格率): any project may
            # share them.
            for row in fallbacks:
                if taken == count:
                    return
                if row is not None and row.name not in names:
                    rows.append(row)
                    names.add(row.name)
                    taken += 1
            # Nothing fresh left: the unit repeats its first choice, or does without an extra.
            for item in candidates if required else ():
                if taken == count:
                    return
                if item is not None and item.name not in names:
                    rows.append(row_of(item, *target(item, project, rng)))
                    names.add(item.name)
                    taken += 1

        def ranked(test: Callable[[LibraryItem], bool]) -> list[LibraryItem | None]:
            return list(self._ranked(project, rng, test, avoid))

        common = self.common.get
        training, works, purchase = project.has(TRAINING), project.has(WORKS), project.has(PURCHASE)
        extra = [common("GX-002")] if training else [common("GX-018")] if purchase else []
        choose(extra + ranked(lambda i: i.level2 == QUANTITY), rng.choice((1, 2, 2)))
        extra = (
            [common("GX-008")]
            if works
            else [common("GX-004")]
            if training
            else [common("GX-017")]
            if purchase
            else [common("GX-028")]
            if project.has(SUBSIDY) and rng.random() < 0.5
            else [common("GX-032")]
            if project.has(SERVICE) and rng.random() < 0.5
            else []
        )
        checked = (
            Row(
                OUTPUT,
                QUALITY,
                "补助资金发放准确率",
                "=",
                "100",
                "%",
                basis="计划标准",
                source="资金发放名册、银行代发记录",
            )
            if project.has(SUBSIDY)
            else Row(OUTPUT, QUALITY, "项目验收合格率", "=", "100", "%", basis="行业标准", source="项目验收报告")
        )
        choose(extra + ranked(lambda i: i.level2 == QUALITY), rng.choice((1, 1, 2)) + len(extra), checked)
        extra = [common("GX-009")] if works else [common("GX-019")] if purchase else []
        on_time = str(rng.choice((95, 98, 100)))
        choose(
            extra + ranked(lambda i: i.level2 == TIME),
            1,
            Row(OUTPUT, TIME, "资金拨付及时率", "≥", on_time, "%", basis="计划标准", source="国库集中支付系统"),
        )
        costs = ranked(lambda i: i.level1 == COST and i.level2 == ECONOMIC_COST)
        if training:
            costs.insert(0, common("GX-006"))
        choose(costs, 1, self._average_cost(project, rows))
        benefits = ranked(lambda i: i.level1 == BENEFIT)
        choose(benefits, 1, self._fallback("GX-030", project, rng))
        if rng.random() < 0.45:
            first = (
                next(r for r in rows[::-1] if r.level1 == BENEFIT) if any(r.level1 == BENEFIT for r in rows) else None
            )
            choose(
                [b for b in benefits if b is not None and (first is None or b.level2 != first.level2)],
                1,
                required=False,
            )
        if project.special_bond:
            choose([common("GX-023"), common("GX-025")], 2)
        satisfaction = ranked(lambda i: i.level1 == SATISFACTION)
        if training:
            satisfaction.insert(0, common("GX-007"))
        choose(satisfaction, 1, self._fallback("GX-035", project, rng))
        for row in rows:
            if row.level2 == QUANTITY and row.symbol == "≥" and row.unit != "%":
                # Size a count by the money where the sheet or the category prices it (元/盏·年).
                cost = self.unit_cost(project, rows, row.unit, anywhere=False)
                if cost:
                    for attempt in range(8):
                        sized = nice(float(project.total / cost) * rng.uniform(0.9, 1.1), digits=2 + attempt // 3)
                        row.value = number_text(max(Decimal(1), sized))
                        if row.symbol + row.value not in avoid.get(row.name, ()):
                            break
        hint = _DESCRIPTION_COUNT.search(project.description)
        for row in rows:
            if hint and row.level2 == QUANTITY and row.unit == hint.group(2) and row.symbol == "≥":
                if row.symbol + hint.group(1) not in avoid.get(row.name, ()):
                    # The project's description already promises a number: the sheet repeats it.
                    row.value = hint.group(1)
                break
        order = {OUTPUT: 0, COST: 1, BENEFIT: 2, SATISFACTION: 3}
        level2_order = {QUANTITY: 0, QUALITY: 1, TIME: 2}
        rows.sort(key=lambda r: (order.get(r.level1, 9), level2_order.get(r.level2, 5)))
        return rows

    def _target(
        self, item: LibraryItem, project: ProjectFacts, rng: random.Random, used: Collection[str]
    ) -> tuple[str, Decimal] | None:
        """A target for ``item`` not in ``used`` (symbol + value), or None."""
        symbol, value = target(item, project, rng)
        zero_event = item.symbol == "≤" and item.low == 0 and item.unit != "%"
        for attempt in range(12):
            if zero_event and value == 0 and attempt % 2:
                symbol = "="  # DOMAIN.md §15: "= 0" is as common as "≤ 0" for bad events
            if symbol + number_text(value) not in used:
                return symbol, value
            symbol, value = target(item, project, rng, fine=attempt > 1)
        return None

    def _fallback(self, code: str, project: ProjectFacts, rng: random.Random) -> Row | None:
        item = self.common.get(code)
        if item is None:
            return None
        return row_of(item, *target(item, project, rng))

    def _average_cost(self, project: ProjectFacts, rows: Sequence[Row]) -> Row | None:
        """The money per unit of the main count, when no library cost fits (平均每人成本)."""
        quantity = next((r for r in rows if r.level2 == QUANTITY and r.unit and r.unit != "%"), None)
        if quantity is None:
            return None
        try:
            number = Decimal(quantity.value)
        except ArithmeticError:
            return None
        if number <= 0:
            return None
        per = quantity.unit
        return Row(
            COST,
            ECONOMIC_COST,
            f"平均每{per}成本",
            "≤",
            number_text(nice(float(project.total / number), digits=3)),
            f"元/{per}",
            basis="历史标准",
            source="项目预算明细、年度统计台账",
        )

    def goals(self, project: ProjectFacts, rows: Sequence[Row], rng: random.Random) -> tuple[str, str]:
        """The annual goal and, for a multi-year project, the 实施期目标."""
        by = {
            key: [r for r in rows if r.level2 == key or r.level1 == key]
            for key in (QUANTITY, QUALITY, TIME, BENEFIT, SATISFACTION)
        }
        suffix = "" if project.name.endswith("项目") else "项目"
        parts = [phrase(r, rng) for r in by[QUANTITY][:2]]
        parts += [phrase(r, rng) for r in by[QUALITY][:1]]
        if rng.random() < 0.35:
            parts += [phrase(r, rng) for r in by[TIME][:1]]
        parts += [phrase(r, rng) for r in by[BENEFIT][:1]]
        parts += [phrase(r, rng) for r in by[SATISFACTION][:1]]
        body = "，".join(parts)
        year = self.year
        goal = rng.choice(
            (
                f"{year}年，实施{project.name}{suffix}，{body}。",
                f"{year}年通过实施{project.name}{suffix}，{body}。",
                f"{year}年{project.name}{suffix}：{body}。",
            )
        )
        if project.start_year == project.end_year:
            return goal, ""
        lasting = [phrase(r, rng, lasting=True) for r in (by[QUALITY][:1] + by[BENEFIT][:2])]
        lasting += [f"{r.name}保持在{r.value}%以上" if r.unit == "%" else phrase(r, rng) for r in by[SATISFACTION][:1]]
        long_term = (
            f"{project.start_year}—{project.end_year}年实施期内，持续做好{project.name}工作，"
            f"{'，'.join(lasting)}，资金使用效益稳定发挥。"
        )
        return goal, long_term

    def sound(
        self, project: ProjectFacts, rng: random.Random, avoid: Mapping[str, Collection[str]] = NOTHING
    ) -> Content:
        rows = self.rows(project, rng, avoid)
        goal, long_term = self.goals(project, rows, rng)
        return Content(goal, long_term, rows)

    def unit_cost(
        self, project: ProjectFacts, rows: Sequence[Row], per: str, *, anywhere: bool = True
    ) -> Decimal | None:
        """A year's cost of one ``per`` (盏, 人): as the sheet states it, else the middle of the
        library's range for the project's category, else of any category."""
        for row in rows:
            found = per_unit(row.unit)
            if row.level1 == COST and found and found[0] == per and row.value:
                try:
                    return Decimal(row.value) * found[1]
                except ArithmeticError:
                    continue
        pools = [self.by_category[project.category]]
        if anywhere:
            pools.append([i for items in self.by_category.values() for i in items])
        for pool in pools:
            for item in pool:
                found = per_unit(item.unit)
                if item.level1 == COST and found and found[0] == per and item.low and item.high:
                    return Decimal(str(math.sqrt(float(item.low * item.high)))) * found[1]
        return None

    # --- a department's sheet ---------------------------------------------------------------

    def department(
        self,
        *,
        unit_name: str,
        project_count: int,
        total: Decimal,
        basic: Decimal,
        main: Sequence[Content],
        rng: random.Random,
    ) -> Content:
        """A 部门整体 sheet: the unit's main outputs and effects, borrowed from its biggest
        projects, plus the department's own time, cost and satisfaction indicators."""
        short = unit_name.replace("株洲市", "")
        rows: list[Row] = []
        seen: set[str] = set()

        def borrow(level: Callable[[Row], bool], count: int) -> None:
            taken = 0
            for content in main:
                row = next((r for r in content.rows if level(r) and r.name not in seen), None)
                if row is not None:
                    rows.append(replace(row))
                    seen.add(row.name)
                    taken += 1
                if taken == count:
                    return

        borrow(lambda r: r.level2 == QUANTITY, 3)
        borrow(lambda r: r.level2 == QUALITY, 2)
        rows.append(
            Row(
                OUTPUT,
                TIME,
                "年度重点工作任务按期完成率",
                "≥",
                rng.choice(("90", "95")),
                "%",
                basis="计划标准",
                source="部门年度工作总结、区委区政府督查通报",
            )
        )
        three = nice(max(3.0, float(basic) * rng.uniform(0.008, 0.025) / 10000))
        rows.append(
            Row(
                COST,
                ECONOMIC_COST,
                "“三公”经费支出",
                "≤",
                number_text(three),
                "万元",
                basis="历史标准",
                source="部门决算报表",
            )
        )
        borrow(lambda r: r.level1 == BENEFIT, 2)
        # 财预〔2021〕61号: a department spending bond money states the projects' revenue too.
        borrow(lambda r: "覆盖倍数" in r.name or "专项收入" in r.name, 1)
        rows.append(
            Row(
                SATISFACTION,
                SATISFACTION2,
                f"服务对象对{short}工作满意度",
                "≥",
                rng.choice(("85", "90", "90")),
                "%",
                basis="历史标准",
                source="满意度问卷调查",
            )
        )
        highlights = [phrase(r, rng) for r in rows if r.level2 == QUANTITY][:2]
        highlights += [phrase(r, rng) for r in rows if r.level1 == BENEFIT][:1]
        on_time = next(r.value for r in rows if r.level2 == TIME)
        goal = (
            f"{self.year}年，{short}统筹安排部门预算资金{wan(total)}万元，其中项目支出{project_count}个，"
            f"全面履行部门职责：{'，'.join(highlights)}，年度重点工作任务按期完成率不低于{on_time}%，"
            f"服务对象满意度达到{rows[-1].value}%以上。"
        )
        return Content(goal, "", rows)

    def far_item(self, project: ProjectFacts, rng: random.Random) -> LibraryItem | None:
        """An output indicator of a category in another 领域: what a copied table brings along."""
        domain = self.domains.get(project.category)
        others = [c for c, d in self.domains.items() if d != domain and self.by_category.get(c)]
        if not others:
            return None
        # Nothing in common with the project, nor with its category's indicators.
        grams = project.grams.union(*(i.grams for i in self.by_category[project.category]))
        for _ in range(8):
            code = rng.choice(others)
            items = [i for i in self.by_category[code] if i.level2 == QUANTITY and not (i.grams & grams)]
            if items:
                return rng.choice(items)
        return None
