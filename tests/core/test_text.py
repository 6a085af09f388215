import json

import pytest

from jixiao.core.data import read_data
from jixiao.core.text import PastIndicator, ProjectText, SearchIndex, recommend, texts_from_data, words

LIBRARY = json.loads(read_data("library/indicators.json"))
CATEGORY_NAMES = {c["code"]: c["name"] for c in json.loads(read_data("library/categories.json"))["categories"]}
NAMES = {i["code"]: i["name"] for i in LIBRARY}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(texts_from_data(LIBRARY, CATEGORY_NAMES))


def test_domain_words_stay_whole() -> None:
    assert "满意度" in words("服务对象满意度") and "亮灯率" in words("路灯亮灯率")


@pytest.mark.parametrize(
    ("query", "must_contain"),
    [
        ("满意度", "满意度"),
        ("垃圾", "垃圾"),
        ("路灯", "路灯"),
        ("抽检", "抽检"),
        ("视频监控", "监控"),
        ("养老", "养老"),
    ],
)
def test_search_finds_what_a_person_expects_first(index: SearchIndex, query: str, must_contain: str) -> None:
    hits = index.search(query, limit=10)
    top = [NAMES[h.key] for h in hits[:5]]
    assert len(hits) >= 5 and must_contain in top[0], top
    assert sum(must_contain in name for name in top) >= 3, top


def test_search_ranks_name_matches_above_definition_matches(index: SearchIndex) -> None:
    hits = index.search("清运量", limit=3)
    assert "清运" in NAMES[hits[0].key] or "收运" in NAMES[hits[0].key]
    assert index.search("的和与") == []


def test_recommendation_groups_reasons_and_history(index: SearchIndex) -> None:
    project = ProjectText(
        "生活垃圾收集和压缩", "城区生活垃圾收集、压缩转运至华新水泥协同处置", "C27", "生活垃圾收运处置"
    )
    past = PastIndicator("C27-001", 2025, "≥120 吨/日", "126 吨/日")
    suggestions = recommend(project, index, history=[past], limit=10)
    assert suggestions[0].key == "C27-001"
    assert any("2025 年度目标表已用（目标值 ≥120 吨/日，实际完成 126 吨/日）" in r for r in suggestions[0].reasons)
    assert sum(1 for s in suggestions if s.key.startswith("C27-")) >= 8
    assert all(s.reasons for s in suggestions)
