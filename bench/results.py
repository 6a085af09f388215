"""Results application: drafting next year's recommendations for every project of a district.

``measure_draft`` drafts (``results.services.draft``) over the 1,500 projects of the year that
``monitoring.build_round_data`` writes, each run rolled back, against its essential work: reading
those projects and writing one bare recommendation row per project. It also counts the statements
a draft sends, which must not grow with the number of projects. Import only after ``django.setup()``.
"""

import gc
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass
class DraftFigures:
    ms: float  # median of services.draft
    baseline_ms: float  # median of reading the projects and writing bare rows
    recommendations: int
    queries: int  # statements one draft sends


def measure_draft(office: Any, fiscal_year: Any, repeats: int = 3) -> DraftFigures:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from jixiao.budget.models import Project
    from jixiao.org.models import FiscalYear
    from jixiao.results import services
    from jixiao.results.models import Recommendation

    made: list[int] = []

    def next_year() -> Any:
        return FiscalYear.objects.create(region=fiscal_year.region, year=fiscal_year.year + 1)

    def subject(count: list[Any] | None = None) -> float:
        with transaction.atomic(), scopes_disabled():
            budget_year = next_year()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                services.draft(actor=office, budget_year=budget_year)
                elapsed = time.perf_counter() - start
            if count is not None:
                count.extend(queries.captured_queries)
            made.append(Recommendation.objects.filter(budget_year=budget_year).count())
            transaction.set_rollback(True)
        return elapsed

    def baseline() -> float:
        with transaction.atomic(), scopes_disabled():
            budget_year = next_year()
            start = time.perf_counter()
            projects = list(Project.objects.filter(fiscal_year=fiscal_year))
            now = timezone.now()
            Recommendation.objects.bulk_create(
                [
                    Recommendation(
                        region_id=p.region_id,
                        budget_year=budget_year,
                        project=p,
                        unit_id=p.unit_id,
                        code=p.code,
                        base=p.adjusted_budget,
                        action="none",
                        label="无评价结果，按常规审核",
                        cut=Decimal(0),
                        amount=p.adjusted_budget,
                        reasons=[],
                        rules_version="bench",
                        drafted_at=now,
                    )
                    for p in projects
                ],
                batch_size=500,
            )
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
        return elapsed

    counted: list[Any] = []
    subject(counted)
    baseline()
    times: dict[str, list[float]] = {"subject": [], "baseline": []}
    for _ in range(repeats):
        for name, runner in (("baseline", baseline), ("subject", subject)):
            gc.collect()
            times[name].append(runner())
    return DraftFigures(
        ms=statistics.median(times["subject"]) * 1000,
        baseline_ms=statistics.median(times["baseline"]) * 1000,
        recommendations=made[-1],
        queries=len(counted),
    )
