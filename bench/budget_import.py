"""The budget import at province-file size: 50,000 project rows against the bench district.

Figure ``budget_import_50000``: validating and committing a 50,000-row .xlsx of projects (in
万元, with fund sources) into an empty fiscal year, against the baseline of python-calamine's raw
read of the same file (``CalamineWorkbook ... to_python``). The notes give both as rows per
second. Import only after ``django.setup()``.
"""

import io
import random
import time
from typing import Any

from django.db import transaction
from django_scopes import scopes_disabled
from openpyxl import Workbook

ROWS = 50_000
HEADER = [
    "项目代码",
    "项目名称",
    "单位编码",
    "项目类别",
    "项目性质",
    "一般公共预算（万元）",
    "上级转移支付（万元）",
    "年初预算数（万元）",
]


def project_file(unit_codes: list[str], *, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目")
    sheet.append(HEADER)
    for n in range(ROWS):
        own = rng.randrange(5, 500) * 1
        transfer = rng.choice((0, 0, 0, rng.randrange(1, 300)))
        sheet.append(
            [
                f"B{n:07d}",
                f"示范项目{n}",
                unit_codes[n % len(unit_codes)],
                f"C{n % 40 + 1:02d}",
                "新增" if n % 9 == 0 else "延续",
                f"{own:,}.50",
                str(transfer),
                f"{own + transfer:,}.50",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(region: Any, office: Any, unit_codes: list[str]) -> tuple[float, float, int, dict[str, int]]:
    """Seconds to validate and commit, seconds for calamine's raw read, file size, plan counts."""
    import python_calamine

    from jixiao.budget.services import budget_import_commit, categories_load_defaults
    from jixiao.org.models import FiscalYear

    categories_load_defaults(actor=None, region=region, actor_name="bench")
    with scopes_disabled():
        fiscal_year = FiscalYear.objects.get(region=region, year=2026)
    data = project_file(unit_codes)

    def raw_read() -> float:
        start = time.perf_counter()
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_name("项目").to_python(skip_empty_area=False)
        assert len(rows) == ROWS + 1
        return time.perf_counter() - start

    def import_once() -> tuple[float, dict[str, int]]:
        with transaction.atomic():
            start = time.perf_counter()
            plan = budget_import_commit(
                actor=office, kind="projects", fiscal_year=fiscal_year, filename="p.xlsx", data=data
            )
            elapsed = time.perf_counter() - start
            assert plan.ok, [i.message() for i in plan.issues[:3]]
            counts = {"create": plan.count_create, "update": plan.count_update, "unchanged": plan.count_unchanged}
            transaction.set_rollback(True)
        return elapsed, counts

    raw = min(raw_read() for _ in range(3))
    runs = [import_once() for _ in range(2)]
    return min(r[0] for r in runs), raw, len(data), runs[0][1]
