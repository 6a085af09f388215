"""Self-evaluation: how long opening a round takes at district size, how many statements its
scoring sends per form, and what scoring costs against merely reading the forms.

``measure_round`` reuses the 1,500 approved sheets ``monitoring.build_round_data`` writes (eight
indicators each, with their payments). ``measure_scoring`` needs no database: it scores a batch
of self-evaluation files built from the example in ``docs/formats/examples/selfeval.json`` with
varied actuals. Import only after ``django.setup()``.
"""

import copy
import gc
import json
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "formats" / "examples" / "selfeval.json"
FORMS = 10_000


@dataclass
class RoundFigures:
    ms: float  # median of round_open
    baseline_ms: float  # median of reading the rows it is made from
    forms: int
    rescore_queries: int  # statements compute.refresh_all sent inside round_open


def measure_round(office: Any, fiscal_year: Any, repeats: int = 2) -> RoundFigures:
    """``services.round_open`` over every approved sheet of the year, each run rolled back,
    against reading its rows: the sheets with their projects and indicators, and the payment
    totals. The first run, untimed, counts the statements of the scoring pass and warms up."""
    import datetime as dt

    from django.db import connection, transaction
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from jixiao.budget.models import Execution
    from jixiao.evaluation import compute, services

    opened: list[int] = []
    counted: list[Any] = []
    refresh_all = compute.refresh_all

    def counting(forms: Any, rules: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            done = refresh_all(forms, rules)
        counted.extend(queries.captured_queries)
        return done

    def subject() -> float:
        with transaction.atomic():
            start = time.perf_counter()
            round_ = services.round_open(
                actor=office, fiscal_year=fiscal_year, title="基准自评", deadline=dt.date(fiscal_year.year + 1, 4, 30)
            )
            elapsed = time.perf_counter() - start
            with scopes_disabled():
                opened.append(round_.forms.count())
            transaction.set_rollback(True)
        return elapsed

    def baseline() -> float:
        start = time.perf_counter()
        with scopes_disabled():
            sheets = list(
                services.eligible_sheets(fiscal_year).select_related("project").prefetch_related("indicators")
            )
            for sheet in sheets:
                list(sheet.indicators.all())
            list(
                Execution.objects.filter(project__fiscal_year=fiscal_year)
                .values("project_id")
                .annotate(total=Sum("amount"))
            )
        return time.perf_counter() - start

    compute.refresh_all = counting  # type: ignore[assignment]
    try:
        subject()
    finally:
        compute.refresh_all = refresh_all  # type: ignore[assignment]
    baseline()
    times: dict[str, list[float]] = {"subject": [], "baseline": []}
    for _ in range(repeats):
        for name, runner in (("baseline", baseline), ("subject", subject)):
            gc.collect()
            times[name].append(runner())
    return RoundFigures(
        ms=statistics.median(times["subject"]) * 1000,
        baseline_ms=statistics.median(times["baseline"]) * 1000,
        forms=opened[-1],
        rescore_queries=len(counted),
    )


@dataclass
class ScoringFigures:
    score_ms: float  # reading and scoring every form
    read_ms: float  # reading every form (the baseline)
    forms: int
    graded: int


def _forms(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """The example form with actuals moved around its targets, a few blank or written as text."""
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    out = []
    for n in range(count):
        form = copy.deepcopy(base)
        form["project"]["name"] = f"基准项目{n}"
        for item in form["indicators"]:
            if item["symbol"] == "定性":
                item["actual"] = rng.choice(["达成", "达成", "部分达成"])
                if item["actual"] == "部分达成":
                    item["score"] = "10"
                    item["deviation_reason"] = "部分地区尚未覆盖。"
            elif rng.random() < 0.02:
                item["actual"] = rng.choice(["", "已完成", "100%"])
            else:
                target = float(item["value"]) or 1.0
                item["actual"] = f"{target * rng.uniform(0.8, 1.2):.1f}"
        form["execution"]["spent"] = f"{rng.randrange(600_000, 1_000_001)}.00"
        out.append(form)
    return out


def measure_scoring(count: int = FORMS, repeats: int = 3) -> ScoringFigures:
    from jixiao.core.scoring import score
    from jixiao.core.selfeval import read_selfeval

    forms = _forms(count)
    graded: list[int] = []

    def read() -> float:
        start = time.perf_counter()
        for n, data in enumerate(forms):
            read_selfeval(data, source=f"bench#{n}")
        return time.perf_counter() - start

    def read_and_score() -> float:
        start = time.perf_counter()
        results = [score(read_selfeval(data, source=f"bench#{n}")) for n, data in enumerate(forms)]
        elapsed = time.perf_counter() - start
        graded.append(sum(1 for r in results if r.grade))
        return elapsed

    read_and_score()  # warm-up: rules, catalogue, lexicons
    times: dict[str, list[float]] = {"read": [], "score": []}
    for _ in range(repeats):
        for name, runner in (("read", read), ("score", read_and_score)):
            gc.collect()
            times[name].append(runner())
    return ScoringFigures(
        score_ms=statistics.median(times["score"]) * 1000,
        read_ms=statistics.median(times["read"]) * 1000,
        forms=count,
        graded=graded[-1],
    )
