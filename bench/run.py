"""Jixiao's benchmarks: `make bench` (or `.venv/bin/python bench/run.py`).

Builds a throwaway SQLite database with a district of 5,000 units, measures each figure
against a baseline taken in the same run on the same data, prints a table and writes
bench/results.json. Figures and targets are explained in bench/README.md.
"""

import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import django

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"

# A runner does one repetition and returns the seconds it took.
Runner = Callable[[], float]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    ratio: float
    target: float
    met: bool


def figure(name: str, value: float, unit: str, baseline: float, target: float, digits: int = 2) -> Figure:
    if digits == 0:
        value, baseline = round(value), round(baseline)
    else:
        value, baseline = round(value, digits), round(baseline, digits)
    ratio = round(value / baseline, 2) if baseline else float("inf")
    return Figure(name, value, unit, baseline, ratio, target, ratio <= target)


def clock(fn: Callable[[], Any]) -> Runner:
    def run() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return run


def paired_median_ms(subject: Runner, baseline: Runner, repeats: int) -> tuple[float, float]:
    """Median milliseconds of ``subject`` and ``baseline``, alternated so drift hits both."""
    subject(), baseline()  # warm-up: connection, query compilation, imports
    times: dict[Runner, list[float]] = {subject: [], baseline: []}
    for _ in range(repeats):
        for runner in (baseline, subject):
            gc.collect()
            times[runner].append(runner())
    return statistics.median(times[subject]) * 1000, statistics.median(times[baseline]) * 1000


def peak_mb(fn: Callable[[], Any], repeats: int = 3) -> float:
    """Median peak of Python allocations (tracemalloc) while ``fn`` runs, above what was live
    before it. Memory held by native code (calamine's Rust side, SQLite) is not traced."""
    peaks = []
    for _ in range(repeats):
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn()
        peaks.append(tracemalloc.get_traced_memory()[1] - before)
        tracemalloc.stop()
    return statistics.median(peaks) / 2**20


def bench(notes: list[str]) -> list[Figure]:
    import dataset
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from jixiao.accounts.permissions import actor_context, unit_ids_for
    from jixiao.core.tabular import read_tables
    from jixiao.org.imports import parse_units
    from jixiao.org.models import Unit
    from jixiao.org.selectors import unit_tree
    from jixiao.org.services import unit_import_commit

    started = time.perf_counter()
    district = dataset.build_district()
    region, office, leader = district.region, district.office, district.leader
    notes.append(f"district: {dataset.TOTAL} units built in {time.perf_counter() - started:.1f} s")
    figures: list[Figure] = []

    # 1. The unit tree an office user sees: every unit of the region.
    ctx = actor_context(office, region_id=None, year=None, today_year=2026)
    assert ctx.region == region and ctx.unit_ids is None
    units = Unit.objects.with_scopes_disabled().filter(region=region)

    def fetch_rows() -> None:
        list(units.values("id", "code", "name", "parent_id"))

    rows = unit_tree(actor=office, ctx=ctx, q="")
    assert len(rows) == dataset.TOTAL, len(rows)
    ms, base = paired_median_ms(clock(lambda: unit_tree(actor=office, ctx=ctx, q="")), clock(fetch_rows), repeats=9)
    figures.append(figure("unit_tree_5000", ms, "ms", base, target=6))

    # 2. The units a leader of the education bureau reaches: its subtree of 561.
    with scopes_disabled():
        parent_of = dict(units.values_list("id", "parent_id"))
    expected = _subtree(district.leader_unit.pk, parent_of)
    assert unit_ids_for(leader, [region.pk]) == expected, "unit_ids_for disagrees with the tree"

    def one_query_subtree() -> None:
        # The same answer from one query of the region's (id, parent_id) and a walk in memory.
        _subtree(leader.unit_id, dict(units.values_list("id", "parent_id")))

    ms, base = paired_median_ms(clock(lambda: unit_ids_for(leader, [region.pk])), clock(one_query_subtree), repeats=31)
    figures.append(figure("unit_ids_subtree_5000", ms, "ms", base, target=3, digits=3))
    notes.append(f"unit_ids_subtree_5000: subtree of {len(expected)} units")

    # 3. Validating a re-import of 5,000 rows, and its memory.
    validate_rows, want = dataset.validate_file_rows(district.specs)
    data = dataset.xlsx(validate_rows)
    plan = parse_units(region=region, filename="u.xlsx", data=data)
    assert plan.ok, [i.message() for i in plan.issues[:5]]
    got = {"create": plan.count_create, "update": plan.count_update, "unchanged": plan.count_unchanged}
    assert got == want, (got, want)
    ms, base = paired_median_ms(
        clock(lambda: parse_units(region=region, filename="u.xlsx", data=data)),
        clock(lambda: read_tables("u.xlsx", data)),
        repeats=5,
    )
    figures.append(figure("unit_import_validate_5000", ms, "ms", base, target=4))
    notes.append(
        f"unit_import_validate_5000: {len(validate_rows)} rows ({got['unchanged']} unchanged, "
        f"{got['update']} renamed, {got['create']} new), {len(data) / 1024:.0f} KiB .xlsx"
    )
    mb = peak_mb(lambda: parse_units(region=region, filename="u.xlsx", data=data))
    base_mb = peak_mb(lambda: read_tables("u.xlsx", data))
    figures.append(figure("unit_import_validate_5000_peak_mb", mb, "MB", base_mb, target=3))

    # 4. Committing 5,000 rows of which 1,000 are new, rolled back after each repetition so
    # every one starts from the same 5,000 units.
    commit_rows, want = dataset.commit_file_rows(district.specs)
    data = dataset.xlsx(commit_rows)
    plan = parse_units(region=region, filename="u.xlsx", data=data)
    got = {"create": plan.count_create, "update": plan.count_update, "unchanged": plan.count_unchanged}
    assert plan.ok and got == want, (got, want)
    written = plan.count_create + plan.count_update

    def commit() -> float:
        with transaction.atomic():
            start = time.perf_counter()
            result = unit_import_commit(actor=office, region=region, filename="u.xlsx", data=data)
            elapsed = time.perf_counter() - start
            assert result.ok
            transaction.set_rollback(True)
        return elapsed

    ms, base = paired_median_ms(
        commit, clock(lambda: parse_units(region=region, filename="u.xlsx", data=data)), repeats=3
    )
    figures.append(figure("unit_import_commit_5000", ms, "ms", base, target=3))

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            unit_import_commit(actor=office, region=region, filename="u.xlsx", data=data)
        # Check the commit did what the plan said before the rollback undoes it.
        with scopes_disabled():
            assert units.count() == dataset.TOTAL + plan.count_create
        transaction.set_rollback(True)
    count = len(queries.captured_queries)
    figures.append(figure("unit_import_commit_5000_queries", count, "queries", written, target=2.5, digits=0))
    kinds: dict[str, int] = {}
    for q in queries.captured_queries:
        word = q["sql"].split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    notes.append(
        f"unit_import_commit_5000: {len(commit_rows)} rows, {plan.count_create} new, "
        f"{plan.count_unchanged} unchanged; {count} queries = {count / len(commit_rows):.2f} per file row, "
        f"{count / written:.2f} per unit written; by statement: "
        + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    )
    # 5. The budget import at province-file size.
    import budget_import

    seconds, raw, size, counts = budget_import.measure(region, office, [s.code for s in district.specs])
    assert counts["create"] == budget_import.ROWS, counts
    figures.append(figure("budget_import_50000", seconds * 1000, "ms", raw * 1000, target=40, digits=0))
    notes.append(
        f"budget_import_50000: {budget_import.ROWS} project rows, {size / 1024 / 1024:.1f} MiB .xlsx; "
        f"validate + commit {budget_import.ROWS / seconds:,.0f} rows/s against calamine's raw read "
        f"{budget_import.ROWS / raw:,.0f} rows/s"
    )
    # 6. The indicator library: search speed and recommendation quality.
    import library

    started = time.perf_counter()
    index = library.build_index()
    notes.append(f"library: index of {len(index.items)} indicators built in {time.perf_counter() - started:.2f} s")
    ms, base, worst = library.search_times(index)
    figures.append(figure("library_search_ms", ms, "ms", base, target=25, digits=3))
    notes.append(f"library_search_ms: {len(library.QUERIES)} queries; slowest {worst:.1f} ms against the 50 ms budget")
    ours, naive, count = library.miss_rates(index)
    figures.append(figure("library_recommend_miss_rate_at_10", ours, "share", naive, target=0.9, digits=3))
    notes.append(
        f"library_recommend_miss_rate_at_10: {count} labelled projects; precision@10 {1 - ours:.3f} "
        f"against {1 - naive:.3f} for the naive first-ten-of-the-category list"
    )
    # 7. Goal-sheet review: a province-sized year streamed from disk, and the live check.
    import goals

    with tempfile.TemporaryDirectory(prefix="jixiao-goals-") as tmp:
        started = time.perf_counter()
        parse, review, size = goals.review_year(Path(tmp))
    figures.append(figure("goal_review_300000", review["seconds"], "s", parse["seconds"], target=3, digits=1))
    figures.append(figure("goal_review_300000_peak_mb", review["peak_mb"], "MB", 1024, target=1, digits=0))
    notes.append(
        f"goal_review_300000: {review['sheets']:,} sheets ({size / 2**20:.0f} MiB of JSON lines) reviewed at "
        f"{review['sheets'] / review['seconds']:,.0f} sheets/s against parsing alone at "
        f"{parse['sheets'] / parse['seconds']:,.0f} sheets/s; {review['findings']:,} findings, "
        f"{review['errors']:,} sheets with errors; peak {review['peak_mb']:.0f} MB (parsing alone "
        f"{parse['peak_mb']:.0f} MB) against the 1 GiB budget (the baseline); "
        f"{time.perf_counter() - started:.0f} s with writing the file"
    )
    ms, rows = goals.live_check(region)
    figures.append(figure("goal_live_check_ms", ms, "ms", 100, target=1, digits=1))
    notes.append(
        f"goal_live_check_ms: median round trip of the editor's htmx check of a {rows}-indicator sheet "
        "through the whole Django stack (test client, SQLite), against the 100 ms budget (the baseline)"
    )
    # 8. In-year monitoring: the forecast on held-out demo years, opening a round, its queries.
    import monitoring

    errors = monitoring.forecast_errors()
    for f in errors:
        figures.append(
            figure(f"forecast_error_month_{f.month}", float(f.ours), "pp", float(f.straight_line), target=0.7)
        )
    notes.append(
        f"forecast_error_month_N: mean absolute error of the year-end forecast after N months, in percentage "
        f"points of budget, over {errors[0].projects:,} demo project-years (category profiles learned on 2022, tested on "
        "2023, and the other way round); baseline: the straight-line forecast (paid * 12 / N)"
    )
    started = time.perf_counter()
    data = monitoring.build_round_data(region)
    notes.append(
        f"monitoring: {data.sheets:,} approved sheets, {data.indicators:,} indicators, {data.payments:,} payments "
        f"this year and {data.history:,} in two past years written in {time.perf_counter() - started:.1f} s"
    )
    measured = monitoring.measure_round(office, data)
    figures.append(figure("monitoring_round_open_1500", measured.ms, "ms", measured.baseline_ms, target=10, digits=0))
    figures.append(
        figure(
            "monitoring_refresh_queries", measured.refresh_queries, "queries", measured.reports, target=0.1, digits=0
        )
    )
    notes.append(
        f"monitoring_round_open_1500: {measured.reports:,} reports opened in {measured.ms / 1000:.1f} s; "
        f"refresh_round sent {measured.refresh_queries:,} statements, "
        f"{measured.refresh_queries / max(measured.reports, 1):.2f} per report: "
        + ", ".join(f"{k} {v}" for k, v in sorted(measured.refresh_kinds.items(), key=lambda kv: -kv[1]))
    )
    # 9. Self-evaluation: opening a round over the same 1,500 approved sheets, its statements, and
    # scoring against reading.
    import evaluation

    opened = evaluation.measure_round(office, data.fiscal_year)
    figures.append(figure("evaluation_round_open_1500", opened.ms, "ms", opened.baseline_ms, target=10, digits=0))
    figures.append(
        figure("evaluation_rescore_queries", opened.rescore_queries, "queries", opened.forms, target=0.1, digits=0)
    )
    notes.append(
        f"evaluation_round_open_1500: {opened.forms:,} forms opened, pre-filled and scored in {opened.ms / 1000:.1f} s; "
        f"the scoring pass sent {opened.rescore_queries} statements; baseline: reading the sheets, indicators and "
        "payment totals it is made from"
    )
    scored = evaluation.measure_scoring()
    figures.append(figure("selfeval_score_10000", scored.score_ms, "ms", scored.read_ms, target=4, digits=0))
    notes.append(
        f"selfeval_score_10000: reading and scoring {scored.forms:,} forms ({scored.graded:,} graded, the rest with an "
        f"unreadable actual) at {scored.forms / scored.score_ms * 1000:,.0f} forms/s, against reading them "
        f"({scored.forms / scored.read_ms * 1000:,.0f} forms/s)"
    )
    # 10. Results application: drafting next year's recommendations for the same 1,500 projects.
    import results

    drafted = results.measure_draft(office, data.fiscal_year)
    figures.append(figure("results_draft_1500", drafted.ms, "ms", drafted.baseline_ms, target=5, digits=0))
    figures.append(
        figure("results_draft_queries", drafted.queries, "queries", drafted.recommendations, target=0.05, digits=0)
    )
    notes.append(
        f"results_draft_1500: {drafted.recommendations:,} recommendations drafted in {drafted.ms / 1000:.2f} s "
        f"with {drafted.queries} statements; baseline: reading the projects and writing one bare row each"
    )
    return figures


def _subtree(root: int, parent_of: dict[int, int | None]) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for uid, parent in parent_of.items():
        children.setdefault(parent, []).append(uid)
    seen, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return sorted(seen)


def print_table(figures: list[Figure], notes: list[str]) -> None:
    header = ("figure", "value", "unit", "baseline", "ratio", "target", "met")
    lines = [
        (
            f.name,
            f"{f.value:g}",
            f.unit,
            f"{f.baseline:g}",
            f"{f.ratio:.2f}",
            f"≤ {f.target:g}",
            "yes" if f.met else "NO",
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *lines]:
        print(
            "  ".join(
                str(c).rjust(w) if i in (1, 3, 4) else str(c).ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print()
    for note in notes:
        print(f"  {note}")


def main() -> int:
    started = time.perf_counter()
    var_dir = tempfile.mkdtemp(prefix="jixiao-bench-")
    os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite file, never a real server
    os.environ.update(
        JIXIAO_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="jixiao.settings",
        JIXIAO_MANIFEST_STATIC="0",
        JIXIAO_DEBUG="0",
    )
    sys.path.insert(0, str(HERE))
    try:
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        notes: list[str] = []
        figures = bench(notes)
        connection.close()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    RESULTS.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=2) + "\n")
    print_table(figures, notes)
    print(
        f"\n{len(figures)} figures, {sum(f.met for f in figures)} met; {time.perf_counter() - started:.0f} s; wrote {RESULTS.relative_to(HERE.parent)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
