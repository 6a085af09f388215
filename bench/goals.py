"""Goal-sheet review at province size, and the live check while a person types.

``review_year`` writes a synthetic province year (300,000 sheets of about ten indicators, a
third of them defective, JSON lines on disk), then reads it twice in fresh processes: once only
parsing each line into a sheet (``json.loads`` + ``read_sheet``), once parsing and reviewing it
with the starter library as context. Each pass streams the file line by line and reports its
seconds and its peak resident memory. ``live_check`` times the editor's htmx round trip.

Run as a script (``python bench/goals.py parse|review FILE``) it is one such pass.
"""

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHEETS = 300_000
POOL = 4_000
SEED = 11

VAGUE = ["有效提升", "及时", "达标", "明显改善", "进一步加强"]
GOALS = [
    "{year}年完成{name}各项任务，{a}达到{v}%以上，服务对象满意度不低于90%。",
    "{year}年保障{name}正常实施，完成{a}，资金支出符合规定。",
    "进一步加强{name}管理，有效提升服务水平。",
]


def _library() -> tuple[list[dict[str, Any]], dict[str, str]]:
    sys.path.insert(0, str(HERE.parent))
    from jixiao.core.data import read_data

    items = json.loads(read_data("library/indicators.json"))
    names = {c["code"]: c["name"] for c in json.loads(read_data("library/categories.json"))["categories"]}
    return items, names


def _value(item: dict[str, Any], rng: random.Random) -> tuple[str, str, str]:
    symbols = item.get("symbols") or ["≥"]
    symbol = symbols[0]
    if symbol == "定性":
        levels = item.get("levels") or ["好", "较好", "一般"]
        return "定性", levels[0], ""
    typical = item.get("typical") or {"low": "1", "high": "10"}
    low, high = float(typical["low"]), float(typical["high"])
    value = low + (high - low) * rng.random()
    text = f"{value:.0f}" if high - low > 5 else f"{value:.1f}"
    return symbol, text, item.get("unit", "")


def synthetic_sheet(n: int, rng: random.Random, items: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """One sheet in formats §1; about a third carry the defects real units make."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        for code in item["categories"] or ["common"]:
            by_category.setdefault(code, []).append(item)
    category = rng.choice(sorted(c for c in by_category if c != "common"))
    picked = rng.sample(by_category[category], min(len(by_category[category]), rng.randint(7, 11)))
    indicators = []
    for item in picked:
        symbol, value, unit = _value(item, rng)
        indicators.append(
            {
                "level1": item["level1"],
                "level2": item["level2"],
                "name": item["name"],
                "symbol": symbol,
                "value": value,
                "unit": unit,
                "basis": item.get("basis", "计划标准"),
                "source": item.get("data_source", ""),
            }
        )
    defective = rng.random() < 0.34
    if defective:
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(indicators))
            kind = rng.randrange(5)
            if kind == 0:
                indicators[i].update(symbol="定性", value=rng.choice(VAGUE), unit="")
            elif kind == 1:
                indicators[i].update(value="120", unit="%")
            elif kind == 2:
                indicators[i]["source"] = ""
            elif kind == 3:
                indicators[i].update(symbol="", value=f"≥{indicators[i]['value']}{indicators[i]['unit']}", unit="")
            else:
                indicators.append(dict(indicators[i]))
    amount = rng.randrange(5, 5000) * 10000
    name = f"{names[category]}项目{n}"
    goal = rng.choice(GOALS if defective else GOALS[:1]).format(
        year=2026, name=name, a=picked[0]["name"], v=rng.choice([90, 95, 98])
    )
    return {
        "schema": "jixiao.goal-sheet/1",
        "kind": "project",
        "year": 2026,
        "unit": {"code": f"{rng.randrange(100, 999)}", "name": f"某单位{n % 97}"},
        "project": {"code": f"P{n:08d}", "name": name, "category": names[category]},
        "funds": {"total": f"{amount}.00", "by_source": {"general_public": f"{amount}.00"}},
        "goal": goal,
        "indicators": indicators,
    }


def write_year(path: Path, sheets: int = SHEETS) -> int:
    """Write ``sheets`` lines: a pool of distinct sheets cycled with their own project codes."""
    items, names = _library()
    rng = random.Random(SEED)
    pool = [json.dumps(synthetic_sheet(n, rng, items, names), ensure_ascii=False) for n in range(POOL)]
    with path.open("w", encoding="utf-8") as fh:
        for n in range(sheets):
            line = pool[n % POOL]
            fh.write(line.replace('"code": "P', f'"code": "{n:07d}P', 1))
            fh.write("\n")
    return path.stat().st_size


def one_pass(mode: str, path: Path) -> dict[str, Any]:
    """Stream the file once: parse every line, and review it when ``mode`` is ``review``."""
    sys.path.insert(0, str(HERE.parent))
    from jixiao.core import checks
    from jixiao.core.data import read_data
    from jixiao.core.sheet import read_sheet

    context = checks.Context(library=checks.library_entries(json.loads(read_data("library/indicators.json"))))
    review = mode == "review"
    if review:  # build the rule set's compiled patterns and the tokenizer before the clock starts
        checks.review(read_sheet(json.loads(path.open(encoding="utf-8").readline()), source="warm"), context)
    sheets = findings = errors = 0
    start = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            sheet = read_sheet(json.loads(line), source=f"year#{n}")
            sheets += 1
            if review:
                found = checks.review(sheet, context)
                findings += len(found)
                errors += any(f.severity == "error" for f in found)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {"seconds": seconds, "sheets": sheets, "findings": findings, "errors": errors, "peak_mb": peak_mb}


def run_pass(mode: str, path: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(  # noqa: S603 (our own interpreter running this file)
        [sys.executable, str(Path(__file__)), mode, str(path)], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def review_year(tmp: Path) -> tuple[dict[str, Any], dict[str, Any], int]:
    path = tmp / "year.jsonl"
    size = write_year(path)
    parse = run_pass("parse", path)
    print(f"  goal sheets, parsing only: {parse}", file=sys.stderr, flush=True)
    review = run_pass("review", path)
    print(f"  goal sheets, parsing and review: {review}", file=sys.stderr, flush=True)
    path.unlink()
    return parse, review, size


def live_check(region: Any) -> tuple[float, int]:
    """Median milliseconds of the editor's live check (the htmx POST) on a sheet of ten
    indicators, through the whole Django stack, and how many indicators it carried."""
    import statistics

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from jixiao.budget.models import Project, ProjectCategory
    from jixiao.budget.services import categories_load_defaults
    from jixiao.goals import services
    from jixiao.goals.review import Row
    from jixiao.library.services import library_load_starter
    from jixiao.org.models import FiscalYear, Unit

    items, _ = _library()
    with scopes_disabled():
        if not ProjectCategory.objects.filter(region=region).exists():
            categories_load_defaults(actor=None, region=region, actor_name="bench")
        library_load_starter(actor=None, region=region, actor_name="bench")
        year, _ = FiscalYear.objects.get_or_create(region=region, year=2026)
        unit = Unit.objects.filter(region=region, parent=None).order_by("code").first()
        category = ProjectCategory.objects.get(region=region, code="C24")
        project = Project.objects.create(
            region=region,
            fiscal_year=year,
            unit=unit,
            code="BENCH0001",
            name="城区路灯维护",
            category=category,
            start_year=2026,
            end_year=2026,
            fund_general_public=2_600_000,
            initial_budget=2_600_000,
            adjusted_budget=2_600_000,
        )
        from jixiao.accounts.models import User

        editor = User.objects.create_user(
            username="bench_editor", password="x", role="unit_editor", region=region, unit=unit, full_name="填报人"
        )
    sheet = services.sheet_create_for_project(actor=editor, project=project)
    rows = [
        Row(
            i["level1"],
            i["level2"],
            i["name"],
            i["symbols"][0],
            (i.get("typical") or {"low": "1"})["low"],
            i.get("unit", ""),
            source=i.get("data_source", ""),
        )
        for i in items
        if "C24" in i["categories"]
    ][:10]
    services.sheet_save(actor=editor, sheet=sheet, goal="2026年城区路灯亮灯率达到98%以上。", rows=rows)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(editor)
    data: dict[str, Any] = {"goal": "2026年城区路灯亮灯率达到98%以上。", "fund_general_public": "260"}
    for key in ("level1", "level2", "name", "symbol", "value", "unit", "source"):
        data[f"row_{key}"] = [getattr(r, key) for r in rows]
    url = reverse("goals:sheet_check", args=[sheet.pk])
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    times = []
    for n in range(25):
        data["row_value"][0] = str(90 + n % 9)  # a person typing in the first value cell
        start = time.perf_counter()
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(rows)


if __name__ == "__main__":
    print(json.dumps(one_pass(sys.argv[1], Path(sys.argv[2]))))
