"""The starter library shipped under jixiao/core/data/library/ is written to pass review."""

import json
from collections import Counter
from decimal import Decimal

import pytest

from jixiao.core.data import read_data

LIBRARY = json.loads(read_data("library/indicators.json"))
CATEGORIES = {c["code"] for c in json.loads(read_data("library/categories.json"))["categories"]}
TAXONOMY = json.loads(read_data("library/taxonomy.json"))
LEVELS = {(l1["name"], l2) for l1 in TAXONOMY["layouts"][TAXONOMY["default"]]["level1"] for l2 in l1["level2"]}
VAGUE = ("有效", "明显", "进一步", "较好", "显著", "逐步", "大幅", "基本实现", "不断", "切实")
MANAGEMENT = ("预算执行率", "合规性", "制度健全")


def test_size_and_coverage() -> None:
    assert len(LIBRARY) >= 400
    used = {c for item in LIBRARY for c in item["categories"]}
    assert used == CATEGORIES and len(used) >= 25
    for category in CATEGORIES:
        levels = Counter(item["level1"] for item in LIBRARY if category in item["categories"])
        assert (
            levels["成本指标"] >= 1
            and levels["产出指标"] >= 3
            and levels["效益指标"] >= 2
            and levels["满意度指标"] >= 1
        ), category


@pytest.mark.parametrize("item", LIBRARY, ids=lambda i: i["code"])
def test_every_entry_is_measurable_and_well_formed(item: dict) -> None:
    for key in (
        "code",
        "name",
        "level1",
        "level2",
        "definition",
        "direction",
        "symbols",
        "basis",
        "data_source",
        "keywords",
    ):
        assert item.get(key), key
    assert (item["level1"], item["level2"]) in LEVELS
    assert item["basis"] in {"计划标准", "行业标准", "历史标准", "其他标准"}
    assert not any(word in item["name"] for word in VAGUE + MANAGEMENT)
    if item["direction"] == "qualitative":
        assert item["symbols"] == ["定性"] and len(item["levels"]) >= 2
    else:
        assert item["unit"], "a quantitative indicator needs its unit"
        low, high = Decimal(item["typical"]["low"]), Decimal(item["typical"]["high"])
        assert low <= high
        if item["unit"] == "%":
            assert high <= 100
    if item["level1"] == "满意度指标":
        assert item["unit"] == "%" and Decimal(item["typical"]["high"]) < 100
        assert item["name"] not in ("满意度", "社会公众满意度"), "satisfaction must name who is asked"
    assert item["scope"] == ("common" if not item["categories"] else "specific")


def test_no_duplicates() -> None:
    assert len({i["code"] for i in LIBRARY}) == len(LIBRARY)
    for category in CATEGORIES:
        names = [i["name"] for i in LIBRARY if category in i["categories"]]
        assert len(names) == len(set(names)), category
