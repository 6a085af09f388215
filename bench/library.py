"""The indicator library: search speed and recommendation quality on the starter library.

``library_search_ms``: median time of one search over the 569-indicator starter index, for a
set of queries a unit accountant types, against the baseline of a plain substring scan of the
names (what a search box without word segmentation does). Target ratio ≤ 25, and the notes
give the slowest query against the issue's absolute budget of 50 ms.

``library_recommend_miss_rate_at_10``: of the top 10 suggestions per project, the share a
careful reviewer would not accept, over the labelled set in bench/data/recommend_labelled.json
(63 projects, written from a reviewer's point of view before the recommender and never tuned
on). Baseline: the naive recommender that lists the first ten indicators of the project's own
category. Target ratio ≤ 0.9: at least a tenth fewer misses than the naive list. The notes give
precision@10 for both.
"""

import json
import statistics
import time
from pathlib import Path

from jixiao.core.data import read_data
from jixiao.core.text import ProjectText, SearchIndex, recommend, texts_from_data

HERE = Path(__file__).resolve().parent
QUERIES = [
    "满意度",
    "垃圾",
    "路灯",
    "抽检",
    "视频监控",
    "养老",
    "农村公路养护",
    "培训人次",
    "学生资助",
    "清运量",
    "亮灶",
    "防汛",
]


def _library() -> tuple[list[dict], dict[str, dict]]:
    items = json.loads(read_data("library/indicators.json"))
    categories = {c["code"]: c for c in json.loads(read_data("library/categories.json"))["categories"]}
    return items, categories


def build_index() -> SearchIndex:
    items, categories = _library()
    return SearchIndex(texts_from_data(items, {code: c["name"] for code, c in categories.items()}))


def search_times(index: SearchIndex, repeats: int = 30) -> tuple[float, float, float]:
    """Median ms per query for the index and for the substring baseline, and the slowest query."""
    names = [(k, v) for k, v in index.names.items()]
    ours, base, worst = [], [], 0.0
    for _ in range(repeats):
        for q in QUERIES:
            start = time.perf_counter()
            index.search(q, limit=50)
            elapsed = (time.perf_counter() - start) * 1000
            worst = max(worst, elapsed)
            ours.append(elapsed)
            start = time.perf_counter()
            [k for k, name in names if q in name][:50]
            base.append((time.perf_counter() - start) * 1000)
    return statistics.median(ours), statistics.median(base), worst


def miss_rates(index: SearchIndex) -> tuple[float, float, int]:
    items, categories = _library()
    labelled = json.loads((HERE / "data" / "recommend_labelled.json").read_text(encoding="utf-8"))
    ours, naive = [], []
    for project in labelled:
        relevant = set(project["relevant"])
        category = categories[project["category"]]
        neighbours = [
            c for c, v in categories.items() if v["domain"] == category["domain"] and c != project["category"]
        ]
        top = recommend(
            ProjectText(project["name"], project["description"], project["category"], category["name"], neighbours),
            index,
            limit=10,
        )
        ours.append(1 - sum(s.key in relevant for s in top) / 10)
        first_ten = [i["code"] for i in items if project["category"] in i["categories"]][:10]
        naive.append(1 - sum(code in relevant for code in first_ten) / 10)
    return statistics.mean(ours), statistics.mean(naive), len(labelled)
