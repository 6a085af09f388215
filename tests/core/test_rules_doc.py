"""docs/rules.md is generated from the rule catalogue; it must not drift from it."""

import importlib.util
from pathlib import Path
from types import ModuleType

DOCS = Path(__file__).resolve().parents[2] / "docs"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rules", DOCS / "gen_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_the_generators_output() -> None:
    expected = generator().render()
    actual = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run .venv/bin/python docs/gen_rules.py > docs/rules.md"


def test_every_rule_threshold_and_word_list_is_in_the_doc() -> None:
    from jixiao.core.checks import CATALOGUE, RuleSet

    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    defaults = RuleSet.default()
    for name in [*CATALOGUE, *defaults.thresholds, *defaults.lexicons]:
        assert f"`{name}`" in text, name
