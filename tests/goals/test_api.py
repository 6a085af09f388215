import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.goals.models import GoalSheet
from tests.conftest import World

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "docs/formats/examples"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def test_create_save_submit_through_the_api(world: World, client_for: Any) -> None:
    client = client_for("unit_a_editor")
    created = client.post("/api/v1/goals/sheets", {"project_id": world.project_a.pk}, content_type="application/json")
    assert created.status_code == 201
    sheet_id = created.json()["id"]
    body = {
        "goal": "",
        "indicators": [{"level1": "产出指标", "level2": "质量指标", "name": "义务教育巩固率", "value": "≥120%"}],
    }
    saved = client.put(f"/api/v1/goals/sheets/{sheet_id}", body, content_type="application/json").json()
    assert saved["errors"] > 0
    rules = {f["rule"] for f in saved["findings"]}
    assert {"completeness.empty-goal", "reasonableness.rate-over-100"} <= rules
    assert all(f["message"] and f["family"] for f in saved["findings"])
    refused = client.post(
        f"/api/v1/goals/sheets/{sheet_id}/transition", {"action": "submit"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "错误" in refused.json()["detail"]


def test_check_endpoint_reviews_the_examples(world: World, client_for: Any) -> None:
    client = client_for("section")
    sound = client.post("/api/v1/goals/check", example("goal-sound.json"), content_type="application/json").json()
    assert sound["schema"] == "jixiao.findings/1"
    assert [f for f in sound["sheets"][0]["findings"] if f["severity"] == "error"] == []
    both = [example("goal-department.json"), example("goal-sound.json")]
    together = client.post("/api/v1/goals/check", both, content_type="application/json").json()
    rules = {f["rule"] for s in together["sheets"] for f in s["findings"]}
    assert "consistency.department-line-amount" in rules
    bad = client.post("/api/v1/goals/check", {"schema": "nonsense"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"]


def test_lists_only_what_the_actor_may_see(world: World, sheet: GoalSheet, client_for: Any) -> None:
    assert [s["id"] for s in client_for("section").get("/api/v1/goals/sheets").json()["items"]] == [sheet.pk]
    assert client_for("unit_b_editor").get("/api/v1/goals/sheets").json()["items"] == []
    assert client_for("unit_b_editor").get(f"/api/v1/goals/sheets/{sheet.pk}").status_code == 404
