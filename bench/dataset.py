"""The bench's district and its import files.

One region the size of a large county or a small city: five finance sections and 5,000 budget
units in a three-level tree (300 主管部门, their 二级单位, and 三级单位 below those). The
education bureau (the first top-level unit) is the big one: 80 schools with 6 sub-units each,
the subtree a unit leader of a 主管部门 sees. The tree is built from a fixed seed, so every run
measures the same data.

Import only after ``django.setup()``.
"""

import io
import random
from dataclasses import dataclass, replace

from django_scopes import scopes_disabled
from openpyxl import Workbook

from jixiao.accounts.models import User
from jixiao.org.imports import COLUMNS
from jixiao.org.models import FinanceSection, FiscalYear, Region, Unit, UnitKind

SEED = 20260101
TOP_LEVEL = 300
TOTAL = 5_000
BIG_CHILDREN, BIG_GRANDCHILDREN = 80, 6  # the education bureau: 80 + 480 units below it
CHILDREN_PER_TOP = 8  # every other 主管部门; the rest of the 5,000 are 三级单位

SECTIONS = ["行政政法股", "经济建设股", "教科文股", "社会保障股", "农业农村股"]
DEPARTMENTS = [
    "教育局",
    "卫生健康局",
    "农业农村局",
    "交通运输局",
    "自然资源局",
    "住房和城乡建设局",
    "水利局",
    "民政局",
    "人力资源和社会保障局",
    "文化旅游广电体育局",
    "市场监督管理局",
    "应急管理局",
    "司法局",
    "林业局",
    "统计局",
    "商务局",
    "医疗保障局",
    "退役军人事务局",
    "财政局",
    "审计局",
]
KIND_LABELS = dict(UnitKind.choices)
COUNTY = "示范县"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent_code: str
    section: str
    active: bool
    level: int

    def row(self) -> list[str]:
        """The row as the integrated budget system exports it, in ``COLUMNS`` order."""
        return [
            self.code,
            self.name,
            KIND_LABELS[self.kind],
            self.parent_code,
            self.section,
            "是" if self.active else "否",
        ]


def unit_specs() -> list[UnitSpec]:
    """The 5,000 units of the district, in code order (parents before children)."""
    rng = random.Random(SEED)
    tops: list[UnitSpec] = []
    for i in range(TOP_LEVEL):
        dept = DEPARTMENTS[i % len(DEPARTMENTS)]
        name = f"{COUNTY}{dept}" if i < len(DEPARTMENTS) else f"{COUNTY}{dept}第{i // len(DEPARTMENTS)}分局"
        kind = UnitKind.TOWNSHIP if i >= TOP_LEVEL - 20 else UnitKind.ADMINISTRATIVE
        if kind == UnitKind.TOWNSHIP:
            name = f"{COUNTY}第{i - TOP_LEVEL + 21}乡镇人民政府"
        tops.append(UnitSpec(f"{101 + i}", name, kind, "", SECTIONS[i % len(SECTIONS)], True, 0))
    children: list[UnitSpec] = []
    for i, top in enumerate(tops):
        for j in range(BIG_CHILDREN if i == 0 else CHILDREN_PER_TOP):
            children.append(_below(rng, top, j + 1, f"下属第{j + 1}单位"))
    grandchildren: list[UnitSpec] = []
    big = [c for c in children if c.parent_code == tops[0].code]
    for child in big:
        for k in range(BIG_GRANDCHILDREN):
            grandchildren.append(_below(rng, child, k + 1, f"第{k + 1}分支机构"))
    others = [c for c in children if c.parent_code != tops[0].code]
    counts: dict[str, int] = {}
    while len(tops) + len(children) + len(grandchildren) < TOTAL:
        parent = rng.choice(others)
        counts[parent.code] = counts.get(parent.code, 0) + 1
        grandchildren.append(_below(rng, parent, counts[parent.code], f"第{counts[parent.code]}分支机构"))
    return sorted(tops + children + grandchildren, key=lambda s: s.code)


def _below(rng: random.Random, parent: UnitSpec, n: int, suffix: str) -> UnitSpec:
    kind = UnitKind.INSTITUTION if rng.random() < 0.85 else UnitKind.OTHER
    active = rng.random() >= 0.02
    return UnitSpec(
        f"{parent.code}{n:03d}", f"{parent.name}{suffix}", kind, parent.code, parent.section, active, parent.level + 1
    )


@dataclass
class District:
    region: Region
    specs: list[UnitSpec]
    office: User
    leader: User
    leader_unit: Unit


def build_district() -> District:
    """Write the region, its sections, a fiscal year, the 5,000 units and two users."""
    specs = unit_specs()
    with scopes_disabled():
        region = Region.objects.create(code="430299", name=COUNTY)
        FiscalYear.objects.create(region=region, year=2026)
        sections = FinanceSection.objects.bulk_create(FinanceSection(region=region, name=n) for n in SECTIONS)
        section_ids = {s.name: s.pk for s in sections}
        ids: dict[str, int] = {}
        for level in range(max(s.level for s in specs) + 1):
            units = [
                Unit(
                    region=region,
                    code=s.code,
                    name=s.name,
                    kind=s.kind,
                    parent_id=ids[s.parent_code] if s.parent_code else None,
                    section_id=section_ids[s.section] if s.section else None,
                    active=s.active,
                )
                for s in specs
                if s.level == level
            ]
            Unit.objects.bulk_create(units, batch_size=1_000)
            ids.update((u.code, u.pk) for u in units)
        assert Unit.objects.filter(region=region).count() == TOTAL
        leader_unit = Unit.objects.get(region=region, code=specs[0].code)
        office = User.objects.create(username="bench-office", full_name="绩效管理股", role="office", region=region)
        leader = User.objects.create(
            username="bench-leader", full_name="教育局负责人", role="unit_leader", region=region, unit=leader_unit
        )
    return District(region, specs, office, leader, leader_unit)


def new_units(specs: list[UnitSpec], parents: int, per_parent: int, *, seed: int) -> list[UnitSpec]:
    """``parents * (1 + per_parent)`` units the district does not have yet: a new 二级单位
    under each of ``parents`` existing 主管部门, with ``per_parent`` 三级单位 below it."""
    rng = random.Random(seed)
    tops = rng.sample([s for s in specs if s.level == 0], parents)
    added: list[UnitSpec] = []
    for top in tops:
        child = UnitSpec(f"{top.code}900", f"{top.name}新设单位", UnitKind.INSTITUTION, top.code, top.section, True, 1)
        added.append(child)
        added.extend(
            UnitSpec(
                f"{child.code}{k:03d}", f"{child.name}第{k}分支", UnitKind.INSTITUTION, child.code, top.section, True, 2
            )
            for k in range(1, per_parent + 1)
        )
    return added


def validate_file_rows(specs: list[UnitSpec]) -> tuple[list[UnitSpec], dict[str, int]]:
    """5,000 rows for a re-import: 4,700 units unchanged, 100 renamed, 200 new (and 200 units
    of the district left out, which an import leaves alone)."""
    rng = random.Random(SEED + 1)
    added = new_units(specs, parents=40, per_parent=4, seed=SEED + 2)
    leaves = [s for s in specs if s.level == 2]
    left_out = set(rng.sample([s.code for s in leaves], len(added)))
    kept = [s for s in specs if s.code not in left_out]
    renamed = set(rng.sample([s.code for s in kept], 100))
    rows = [replace(s, name=f"{s.name}（更名）") if s.code in renamed else s for s in kept]
    expected = {"create": len(added), "update": len(renamed), "unchanged": len(kept) - len(renamed)}
    return sorted(rows + added, key=lambda s: s.code), expected


def commit_file_rows(specs: list[UnitSpec]) -> tuple[list[UnitSpec], dict[str, int]]:
    """5,000 rows of which 1,000 are new units (200 二级 with 4 三级 each) and 4,000 are
    existing units unchanged."""
    rng = random.Random(SEED + 3)
    added = new_units(specs, parents=200, per_parent=4, seed=SEED + 4)
    leaves = [s for s in specs if s.level == 2]
    left_out = set(rng.sample([s.code for s in leaves], len(added)))
    kept = [s for s in specs if s.code not in left_out]
    expected = {"create": len(added), "update": 0, "unchanged": len(kept)}
    return sorted(kept + added, key=lambda s: s.code), expected


def xlsx(rows: list[UnitSpec]) -> bytes:
    """The rows as an .xlsx with the importer's header, codes stored as text like the export."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("单位清单")
    sheet.append(list(COLUMNS))
    for spec in rows:
        sheet.append(spec.row())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
