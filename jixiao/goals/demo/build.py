"""Building the season: who acts, what each unit writes, what the review finds and where each
sheet ends up."""

import math
import random
from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.budget.demo_projects import AMOUNT_RANGES, CURRENT_YEAR, KEY_MONITORED
from jixiao.budget.models import FundSource, Project, ProjectCategory, UnitBudget
from jixiao.core import checks
from jixiao.core.access import Role
from jixiao.core.checks.context import bigrams, fold
from jixiao.core.sheet import GoalSheet as CoreSheet
from jixiao.goals.demo import defects
from jixiao.goals.demo.season import Cast, Draft, funds_for, write
from jixiao.goals.demo.writer import QUANTITY, LibraryItem, ProjectFacts, Writer, nice, number_text
from jixiao.goals.demo.writer import bigrams as name_bigrams
from jixiao.goals.models import GoalSheet, Kind
from jixiao.goals.review import library_entries, ruleset_of, to_core
from jixiao.library.models import LibraryIndicator, Status
from jixiao.org.demo import DEMO_PASSWORD
from jixiao.org.demo_data import KEY_UNITS
from jixiao.org.models import FiscalYear, Region, Unit

DEFECTIVE_SHARE = 1 / 3  # of the project sheets, with one to three defects each
SLOPPINESS = (0.1, 0.6)  # how units differ in the share of their sheets with defects
# The units whose demo logins must find something to do (jixiao.org.demo.DEMO_LOGINS).
KEY_UNIT_CODES = (KEY_UNITS["education_bureau"], KEY_UNITS["police"])
# Finance sections' reviewers created for the demo (教科文股 has jkw already).
SECTION_LOGINS = {
    "行政政法股": "xzzf",
    "教科文股": "jkw",
    "经济建设股": "jjjs",
    "农业农村股": "nync",
    "社会保障股": "shbz",
    "综合股": "zhg",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢谭廖贺龙易颜文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲辉斌鹏宇浩凯丹萍燕琳雪梅兰波峰亮晶"
# Where sheets stand in late November, by what the review found: (fate, weight). Sound sheets
# are mostly through; those with warnings are mostly sent back or waiting with the unit's
# explanation; those with errors cannot be sent at all (services.sheet_transition).
FATES: dict[str, tuple[tuple[str, int], ...]] = {
    "clean": (
        ("approved", 56),
        ("approved_after_return", 8),
        ("office", 11),
        ("section", 9),
        ("leader", 6),
        ("draft", 10),
    ),
    "warning": (
        ("returned_leader", 12),
        ("returned_section", 14),
        ("returned_office", 16),
        ("leader", 8),
        ("section", 10),
        ("office", 12),
        ("approved", 20),
        ("draft", 5),
        ("rejected", 3),
    ),
    "error": (("draft", 1),),
}


@transaction.atomic
def build_goals_demo(*, region: Region, seed: int, units: Collection[str] | None = None) -> dict[str, int]:
    """Goal sheets for the demo region's current-year projects and top-level units, in every
    workflow state. ``units`` limits the build to those top-level unit codes (and their
    sub-units), for tests. Returns counts."""
    rng = random.Random(seed * 31 + 7)
    now = timezone.now()
    fiscal_year = FiscalYear.objects.with_scope(region=[region.pk]).get(year=CURRENT_YEAR)
    all_units = {u.pk: u for u in Unit.objects.with_scope(region=[region.pk], unit=None).select_related("section")}
    tops = {pk: _top(u, all_units) for pk, u in all_units.items()}
    projects = [
        p
        for p in Project.objects.with_scope(region=[region.pk], unit=None)
        .filter(fiscal_year=fiscal_year)
        .select_related("category")
        .order_by("unit__code", "code")
        if units is None or tops[p.unit_id].code in units
    ]
    for p in projects:
        p.unit = all_units[p.unit_id]
    categories = list(ProjectCategory.objects.with_scope(region=[region.pk]).all())
    writer = Writer(_library(region), year=CURRENT_YEAR, domains={c.code: c.domain for c in categories})
    cast = _cast(region, projects, tops, all_units, rng, now)

    drafts = _project_drafts(region, fiscal_year, projects, writer, rng)
    drafts += _department_drafts(region, fiscal_year, drafts, tops, writer, rng)
    _review(region, fiscal_year, drafts)
    failed = [d for d in drafts if d.fate == "adjusting" and d.worst == "error"]
    for d in failed:
        # An adjustment the review rejects stays unmade: the approved version stands.
        assert d.adjusted_from is not None
        d.content, d.adjusted_from, d.fate = d.adjusted_from, None, "draft"
        _set_content(d)
    if failed:
        _review(region, fiscal_year, drafts)
    _settle_fates(drafts, tops, writer, rng)
    _review_earlier(region, fiscal_year, drafts)
    counts = write(drafts, cast, rng, now)
    counts["users"] = cast.created
    log_action(
        actor=None,
        actor_name="jixiao demo",
        action="goals.demo_loaded",
        region=region,
        data={"seed": seed, "year": CURRENT_YEAR, **counts},
    )
    return counts


# --- reading what the demo builds on ----------------------------------------------------------


def _top(unit: Unit, units: dict[int, Unit]) -> Unit:
    while unit.parent_id is not None:
        unit = units[unit.parent_id]
    return unit


def _library(region: Region) -> list[LibraryItem]:
    codes = dict(ProjectCategory.objects.with_scope(region=[region.pk]).values_list("pk", "code"))
    links: defaultdict[int, list[str]] = defaultdict(list)
    for indicator_id, category_id in LibraryIndicator.categories.through.objects.filter(
        libraryindicator__region_id=region.pk
    ).values_list("libraryindicator_id", "projectcategory_id"):
        links[indicator_id].append(codes[category_id])
    approved = LibraryIndicator.objects.with_scope(region=[region.pk]).filter(status=Status.APPROVED).order_by("code")
    return [
        LibraryItem(
            pk=i.pk,
            code=i.code,
            name=i.name,
            level1=i.level1,
            level2=i.level2,
            unit=i.measure_unit,
            symbol=(i.symbols or ["定性"])[0],
            low=i.typical_low,
            high=i.typical_high,
            basis=i.basis,
            source=i.data_source,
            categories=tuple(sorted(links.get(i.pk, []))),
            keywords=tuple(i.keywords),
        )
        for i in approved
    ]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _cast(
    region: Region,
    projects: Sequence[Project],
    tops: dict[int, Unit],
    units: dict[int, Unit],
    rng: random.Random,
    now: datetime,
) -> Cast:
    """The demo logins where they exist; an editor for every unit with projects, a leader for
    every top-level unit and a reviewer for every finance section where they do not. They share
    the demo password (one hash: hashing a password takes a noticeable fraction of a second)."""
    users = list(User.objects.filter(region=region).order_by("username"))
    taken = {u.username for u in users}
    editors = {u.unit_id: u for u in reversed(users) if u.role == Role.UNIT_EDITOR and u.unit_id}
    leaders = {u.unit_id: u for u in reversed(users) if u.role == Role.UNIT_LEADER and u.unit_id}
    reviewers = {u.section_id: u for u in reversed(users) if u.role == Role.SECTION and u.section_id}
    office = next((u for u in users if u.role == Role.OFFICE), None)
    password = make_password(DEMO_PASSWORD)
    new: list[User] = []

    def person(username: str, role: Role, **where: Any) -> User:
        name = username
        n = 1
        while name in taken:
            n += 1
            name = f"{username}{n}"
        taken.add(name)
        user = User(
            username=name,
            full_name=_person(rng),
            role=role,
            region=region,
            phone=f"0731-{rng.randint(22000000, 22999999)}",
            password=password,
            password_changed_at=now,
            **where,
        )
        new.append(user)
        return user

    if office is None:
        office = person("jxg", Role.OFFICE)
    unit_ids = sorted({p.unit_id for p in projects} | {tops[p.unit_id].pk for p in projects})
    for pk in unit_ids:
        unit = units[pk]
        if pk not in editors:
            editors[pk] = person(f"dw{unit.code}", Role.UNIT_EDITOR, unit=unit)
        top = tops[pk]
        if top.pk not in leaders:
            leaders[top.pk] = person(f"dw{top.code}fz", Role.UNIT_LEADER, unit=top)
        section = unit.section
        if section is not None and section.pk not in reviewers:
            login = SECTION_LOGINS.get(section.name, f"gs{section.pk}")
            reviewers[section.pk] = person(login, Role.SECTION, section=section)
    User.objects.bulk_create(new)
    return Cast(office, editors, leaders, reviewers, tops, created=len(new))


# --- writing the sheets -----------------------------------------------------------------------


def _facts(project: Project, *, top_level: bool) -> ProjectFacts:
    low, high = AMOUNT_RANGES.get(project.category.code, (100_000, 5_000_000))
    amount = max(float(project.initial_budget), 1.0)
    position = math.log(max(amount, low) / low) / math.log(high / low)
    return ProjectFacts(
        code=project.code,
        name=project.name,
        category=project.category.code,
        description=project.description,
        start_year=project.start_year,
        end_year=project.end_year,
        total=project.initial_budget,
        position=min(1.0, max(0.0, position if top_level else position * 0.4)),
        special_bond=project.is_special_bond or bool(project.fund_special_bond),
    )


def _sheet(region: Region, fiscal_year: FiscalYear, unit: Unit, **fields: Any) -> GoalSheet:
    return GoalSheet(region=region, fiscal_year=fiscal_year, unit=unit, **fields)


def _project_drafts(
    region: Region,
    fiscal_year: FiscalYear,
    projects: Sequence[Project],
    writer: Writer,
    rng: random.Random,
    *,
    sound: bool = False,
) -> list[Draft]:
    """Every project's sheet as its unit writes it, a third of them with defects (none when
    ``sound``: sheets as finance approved them, for an earlier year's self-evaluation)."""
    drafts: list[Draft] = []
    rules = ruleset_of(region.pk, fiscal_year.pk)
    library = library_entries(region.pk)
    stop = rules.words("relevance_stop_bigrams")
    # What each unit has written so far: project name bigrams, indicator name → values.
    written: defaultdict[int, list[tuple[frozenset[str], dict[str, set[str]]]]] = defaultdict(list)
    for project in projects:
        unit = project.unit
        facts = _facts(project, top_level=unit.parent_id is None)
        grams = bigrams(fold(project.name), stop)
        avoid: defaultdict[str, set[str]] = defaultdict(set)
        for other, values in written[unit.pk]:
            if not other & grams:  # the review's test for "unrelated projects" (relevance.boilerplate)
                for name, taken in values.items():
                    avoid[name] |= taken
        content = writer.sound(facts, rng, avoid)
        sheet = _sheet(region, fiscal_year, unit, project=project, kind=Kind.PROJECT)
        draft = Draft(sheet, content, facts)
        _repair(draft, writer, rules, library, rng)
        used: defaultdict[str, set[str]] = defaultdict(set)
        for row in draft.content.rows:
            used[row.name].add(row.symbol + row.value)
        written[unit.pk].append((grams, used))
        draft.sound = draft.content.copy()
        drafts.append(draft)
    if not sound:
        _spoil(drafts, writer, rng)
        for draft in drafts:
            if _monitored(draft):
                # Finance approved these sheets before putting the projects under 重点监控.
                assert draft.sound is not None
                draft.content = draft.sound.copy()
        _force_key_units(drafts, writer, rng)
        _paste_boilerplate(drafts, rng)
        _adjust(drafts, writer, rng)
    for draft in drafts:
        _set_content(draft)
    return drafts


def _monitored(draft: Draft) -> bool:
    """One of the seed's four 重点监控 projects, whose sheets stand approved."""
    project = draft.sheet.project
    return project is not None and (draft.sheet.unit.code, project.name) in KEY_MONITORED


def _spoil(drafts: Sequence[Draft], writer: Writer, rng: random.Random) -> None:
    """About a third of the sheets get one to three defects. Units differ: some are careful,
    some hand in most of their sheets with problems."""
    by_unit: defaultdict[int, list[Draft]] = defaultdict(list)
    for d in drafts:
        by_unit[d.sheet.unit_id].append(d)
    sloppiness = {pk: rng.uniform(*SLOPPINESS) for pk in by_unit}
    expected = sum(len(group) * sloppiness[pk] for pk, group in by_unit.items())
    scale = DEFECTIVE_SHARE * len(drafts) / expected if expected else 0
    for pk, group in by_unit.items():
        count = round(len(group) * min(0.85, sloppiness[pk] * scale))
        for d in rng.sample(group, count):
            assert d.facts is not None
            how_many = rng.choices((1, 2, 3), (5, 3, 1))[0]
            d.content = defects.spoil(d.content, d.facts, writer, rng, count=how_many)


def _repair(
    draft: Draft, writer: Writer, rules: checks.RuleSet, library: Sequence[checks.LibraryEntry], rng: random.Random
) -> None:
    """Bring a sound sheet's counts in line with its money where the sheet or the library
    states a unit cost (relevance.unit-cost-out-of-range): a careful unit sizes its targets by
    its budget."""
    facts, project = draft.facts, draft.sheet.project
    assert facts is not None and project is not None
    _set_content(draft)
    context = checks.Context(
        rules=rules,
        library=library,
        category_names=[project.category.name, project.category.domain],
        approved_amount=project.initial_budget,
    )
    for _ in range(3):
        findings = checks.review(to_core(draft.sheet, draft.content.rows, history=False), context)
        flagged = [
            f.indicator for f in findings if f.rule == "relevance.unit-cost-out-of-range" and f.indicator is not None
        ]
        if not flagged:
            return
        for index in flagged:
            row = draft.content.rows[index]
            cost = writer.unit_cost(facts, draft.content.rows, row.unit)
            if cost:
                row.value = number_text(max(Decimal(1), nice(float(facts.total / cost))))
        draft.content.goal, draft.content.long_term_goal = writer.goals(facts, draft.content.rows, rng)


def _force_key_units(drafts: list[Draft], writer: Writer, rng: random.Random) -> None:
    """The demo logins' own units get sheets to return, fix and approve, whatever the dice say:
    at least three with warnings only and one with an error."""
    for code in KEY_UNIT_CODES:
        own = [d for d in drafts if d.sheet.unit.code == code and d.facts is not None and not _monitored(d)]
        warned = [d for d in own if d.content.defects and not set(d.content.defects) & defects.ERROR_DEFECTS]
        errored = [d for d in own if set(d.content.defects) & defects.ERROR_DEFECTS]
        sound = [d for d in own if not d.content.defects]
        for d in sound[: max(0, 3 - len(warned))]:
            assert d.facts is not None
            d.content = defects.spoil(d.content, d.facts, writer, rng, count=rng.choice((1, 2)), errors=False)
        if not errored and len(sound) > 4:
            d = sound[-1]
            assert d.facts is not None
            d.content = defects.spoil(
                d.content, d.facts, writer, rng, count=1, only=("placeholder", "missing_benefit", "rate_over_100")
            )


def _paste_boilerplate(drafts: list[Draft], rng: random.Random) -> None:
    """In a few units one sheet's block of indicators was pasted into another's (D21)."""
    by_unit: defaultdict[int, list[Draft]] = defaultdict(list)
    for d in drafts:
        by_unit[d.sheet.unit_id].append(d)
    for group in by_unit.values():
        if len(group) < 4 or rng.random() > 0.2:
            continue
        group = [d for d in group if not _monitored(d)]
        spoilt = [d for d in group if d.content.defects and not set(d.content.defects) & defects.ERROR_DEFECTS]
        if not spoilt:
            continue
        target = rng.choice(spoilt)
        sources = [
            d
            for d in group
            if d is not target
            and d.facts is not None
            and target.facts is not None
            and d.facts.category != target.facts.category
            and not (name_bigrams(d.facts.name) & name_bigrams(target.facts.name))
        ]
        if sources:
            source = rng.choice(sources)
            defects.copy_boilerplate(target.content, source.content, rng)
            # The unit pasted the same block into both: the source sheet now shares it too.
            source.content.defects.append("boilerplate")


def _adjust(drafts: list[Draft], writer: Writer, rng: random.Random) -> None:
    """A couple of sound sheets of projects whose budget was adjusted during the year go back
    for adjustment: approved once, now rewritten to the adjusted amount."""
    candidates = [
        d
        for d in drafts
        if not d.content.defects
        and d.sheet.project is not None
        and d.sheet.project.adjusted_budget != d.sheet.project.initial_budget
        and d.sheet.project.adjusted_budget > 0
        and d.sheet.unit.code not in KEY_UNIT_CODES
    ]
    rng.shuffle(candidates)
    # Both kinds: money added mid-year (追加) and money taken away (调减).
    candidates.sort(
        key=lambda d: d.sheet.project is not None and d.sheet.project.adjusted_budget > d.sheet.project.initial_budget
    )
    count = max(2, len(drafts) // 400)
    picked = candidates[: count // 2] + candidates[::-1][: count - count // 2]
    for d in picked:
        project = d.sheet.project
        assert project is not None and d.facts is not None
        d.adjusted_from = d.content.copy()
        ratio = project.adjusted_budget / project.initial_budget
        rows = d.content.rows
        for row in rows:
            if row.level2 == QUANTITY and row.symbol == "≥" and row.unit != "%":
                row.value = number_text(max(Decimal(1), nice(float(Decimal(row.value) * ratio))))
                break
        d.content.goal, d.content.long_term_goal = writer.goals(d.facts, rows, rng)
        d.fate = "adjusting"


def _set_content(draft: Draft) -> None:
    """Put the content's header on the sheet row (funds from the budget, or as mistyped)."""
    sheet, content = draft.sheet, draft.content
    sheet.goal, sheet.long_term_goal = content.goal, content.long_term_goal
    project = sheet.project
    if project is None:
        return
    total = content.total or (project.adjusted_budget if draft.fate == "adjusting" else project.initial_budget)
    for source, amount in funds_for(project, total).items():
        setattr(sheet, f"fund_{source}", amount)
    sheet.total = total


def _department_drafts(
    region: Region,
    fiscal_year: FiscalYear,
    project_drafts: Sequence[Draft],
    tops: dict[int, Unit],
    writer: Writer,
    rng: random.Random,
    *,
    sound: bool = False,
) -> list[Draft]:
    """A 部门整体 sheet for every top-level unit with projects: its own projects as lines, with
    the amounts of their sheets (a few lines disagree, some sheets have a defect, unless
    ``sound``), the department's budget as the total."""
    budgets = {
        b.unit_id: b
        for b in UnitBudget.objects.with_scope(region=[region.pk], unit=None).filter(fiscal_year=fiscal_year)
    }
    own: defaultdict[int, list[Draft]] = defaultdict(list)
    for d in project_drafts:
        own[d.sheet.unit_id].append(d)
    top_units = sorted({tops[d.sheet.unit_id] for d in project_drafts}, key=lambda u: u.code)
    off = set(rng.sample(range(len(top_units)), k=min(len(top_units), max(1, len(top_units) // 12))))
    drafts = []
    for n, unit in enumerate(top_units):
        mine = own.get(unit.pk, [])
        if not mine:
            continue
        lines = [
            {"name": d.sheet.project.name, "amount": str(d.sheet.total)} for d in mine if d.sheet.project is not None
        ]
        funds = {s.value: Decimal(0) for s in FundSource}
        for d in mine:
            for s in FundSource:
                funds[s.value] += getattr(d.sheet, f"fund_{s.value}")
        budget = budgets.get(unit.pk)
        basic = budget.basic_expenditure if budget is not None else Decimal(0)
        funds["general_public"] += basic
        total = sum(funds.values(), Decimal(0))
        main = sorted(mine, key=lambda d: (not (d.facts and d.facts.special_bond), -(d.sheet.total or 0)))
        content = writer.department(
            unit_name=unit.name,
            project_count=len(lines),
            total=total,
            basic=basic,
            main=[d.sound or d.content for d in main[:3]],
            rng=rng,
        )
        draft = Draft(
            _sheet(
                region,
                fiscal_year,
                unit,
                kind=Kind.DEPARTMENT,
                goal=content.goal,
                total=total,
                **{f"fund_{k}": v for k, v in funds.items()},
            ),
            content,
        )
        if n in off and not sound:
            draft.line_off = defects.department_line_off(lines, rng)
        elif not sound and rng.random() < 0.25:
            spoil = rng.choice(("satisfaction_no_one", "vague_value", "no_sources"))
            facts = ProjectFacts("", unit.name, "", "", CURRENT_YEAR, CURRENT_YEAR, total, 0.5)
            if defects.DEFECTS[spoil][0](content, facts, writer, rng):
                content.defects.append(spoil)
        draft.sheet.project_lines = lines
        drafts.append(draft)
    return drafts


# --- the review -------------------------------------------------------------------------------


def _context(
    draft: Draft, rules: checks.RuleSet, library: Sequence[checks.LibraryEntry], siblings: list[CoreSheet]
) -> checks.Context:
    """What ``review.context_for`` gives the stored sheet, from memory."""
    project = draft.sheet.project
    if project is None:
        return checks.Context(rules=rules, library=library, siblings=siblings)
    approved = project.adjusted_budget if draft.fate == "adjusting" else project.initial_budget
    return checks.Context(
        rules=rules,
        library=library,
        category_names=[project.category.name, project.category.domain],
        approved_amount=approved,
        siblings=siblings,
    )


def _review(region: Region, fiscal_year: FiscalYear, drafts: Sequence[Draft]) -> None:
    rules = ruleset_of(region.pk, fiscal_year.pk)
    library = library_entries(region.pk)
    for n, d in enumerate(drafts):
        d.core = to_core(d.sheet, d.content.rows, history=False)
        d.core.source = f"demo:{n}"
    by_unit: defaultdict[int, list[Draft]] = defaultdict(list)
    for d in drafts:
        by_unit[d.sheet.unit_id].append(d)
    for group in by_unit.values():
        cores = [d.core for d in group if d.core is not None]
        for d in group:
            assert d.core is not None
            siblings = [c for c in cores if c is not d.core]
            d.findings = checks.review(d.core, _context(d, rules, library, siblings))


def _review_earlier(region: Region, fiscal_year: FiscalYear, drafts: Sequence[Draft]) -> None:
    """The version returned before approval, reviewed as it stood (for the reviewer's comments)."""
    rules = ruleset_of(region.pk, fiscal_year.pk)
    library = library_entries(region.pk)
    for d in drafts:
        if d.earlier is None:
            continue
        sheet = d.sheet
        kept = (sheet.goal, sheet.long_term_goal)
        sheet.goal, sheet.long_term_goal = d.earlier.goal, d.earlier.long_term_goal
        earlier = to_core(sheet, d.earlier.rows, history=False)
        sheet.goal, sheet.long_term_goal = kept
        d.earlier_findings = checks.review(earlier, _context(d, rules, library, []))
        if not any(f.severity == "warning" for f in d.earlier_findings):
            d.earlier, d.earlier_findings, d.fate = None, [], "approved"


def _settle_fates(drafts: Sequence[Draft], tops: dict[int, Unit], writer: Writer, rng: random.Random) -> None:
    """Where each sheet stands, by what the review found; then make sure every demo login has
    something to do and every state shows."""
    for d in drafts:
        worst = d.worst
        if d.fate == "adjusting":
            continue
        if d.line_off and worst == "error":
            d.fate = rng.choice(("draft", "returned_section"))
            continue
        fates, weights = zip(*FATES[worst], strict=True)
        d.fate = rng.choices(fates, weights)[0]
    for d in drafts:
        if _monitored(d) and d.worst != "error":
            d.fate = "approved"
    chosen: set[int] = {id(d) for d in drafts if d.fate in ("adjusting", "rejected") or _monitored(d)}
    for code in KEY_UNIT_CODES:
        own = [d for d in drafts if d.sheet.unit.code == code and d.sheet.kind == Kind.PROJECT]
        _ensure(own, ("returned_section", "returned_leader", "returned_office"), "warning", 1, chosen, rng)
        _ensure(own, ("draft",), "error", 1, chosen, rng)
        _ensure(own, ("draft",), "warning", 1, chosen, rng)
        _ensure(own, ("approved",), "clean", 4, chosen, rng)
        subtree = [d for d in drafts if tops[d.sheet.unit_id].code == code]
        _ensure(subtree, ("leader",), "clean", 3, chosen, rng)
    spare = [d for d in drafts if d.worst == "warning" and d.fate.startswith("returned") and id(d) not in chosen]
    while sum(d.fate == "rejected" for d in drafts) < 2 and spare:
        spare.pop(0).fate = "rejected"
    for d in drafts:
        if d.fate != "approved_after_return":
            continue
        if d.facts is None:
            d.fate = "approved"
            continue
        d.earlier = defects.spoil(d.content, d.facts, writer, rng, count=1, errors=False, only=_EARLIER)
        if not d.earlier.defects:
            d.earlier, d.fate = None, "approved"


def _ensure(
    drafts: Sequence[Draft],
    fates: tuple[str, ...],
    worst: str,
    count: int,
    chosen: set[int],
    rng: random.Random,
) -> None:
    """At least ``count`` of ``drafts`` whose review came out ``worst`` in one of ``fates``
    (the first, if it must be moved), without undoing an earlier guarantee."""
    have = [d for d in drafts if d.fate in fates and d.worst == worst]
    chosen.update(id(d) for d in have[:count])
    candidates = [d for d in drafts if d.worst == worst and d.fate not in fates and id(d) not in chosen]
    # Take from the plentiful fates first.
    order = {"approved": 0, "office": 1, "section": 2, "draft": 3, "leader": 4}
    candidates.sort(key=lambda d: (order.get(d.fate, 5), rng.random()))
    for d in candidates[: max(0, count - len(have))]:
        d.fate = fates[0]
        chosen.add(id(d))


# Defects a unit fixes after one return.
_EARLIER = (
    "vague_value",
    "vague_time",
    "satisfaction_100",
    "satisfaction_no_one",
    "missing_cost",
    "execution_rate",
    "cost_is_budget",
)
