"""The review engine measured against a labelled corpus of goal sheets (tests/core/goal_corpus/).

Each JSON file holds one goal sheet (formats §1) or an array of sheets of one unit that are reviewed
together (a department sheet with its project sheets, or sibling project sheets). Every sheet carries
its labels in extra top-level fields that are stripped before the sheet is read:

- ``expect``: every rule code of warning or error severity the sheet should raise, plus any info
  codes that are worth scoring on that sheet;
- ``allow``: codes that are neither required nor wrong on that sheet: a second finding that only
  restates another one on the same cell (``qualitative-no-levels`` next to ``vague-wording`` on 定性
  “有效提升”, ``time-no-deadline`` next to ``missing-unit`` on “服务周期 = 180”), the follow-on
  findings of an empty sheet, and readings on which the rule texts disagree (``few-quantitative``
  counting only indicators with a data source, as formats/examples/README.md puts it);
- ``why``: a short note on the defects (defective sheets only);
- ``context``: what the caller would know besides the sheet (``approved_amount``).

Scoring is per sheet and per rule code: a label found among the emitted codes is a hit, a missed
label a miss, and an emitted code that is not labelled a false alarm. Emitted codes count when their
severity is warning or error, or when the sheet lists them (info codes are scored only where
labelled). Run ``pytest tests/core/test_goal_corpus.py -s`` to see the table and every disagreement.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.checks import CATALOGUE, Context, Finding, library_entries, review, review_together
from jixiao.core.sheet import GoalSheet, read_sheet

CORPUS = Path(__file__).parent / "goal_corpus"
LABEL_KEYS = ("expect", "allow", "why", "context")
SCORED_SEVERITIES = ("warning", "error")
FAMILIES = ("completeness", "clarity", "measurability", "reasonableness", "relevance", "consistency")
MIN_SHEETS = 80
MIN_CATEGORIES = 15
MIN_RECALL = 0.9
MIN_FAMILY_LABELS = 5
MIN_PRECISION = 0.8


@dataclass
class SheetResult:
    source: str
    sheet: GoalSheet
    expect: set[str]
    allow: set[str]
    why: str
    findings: list[Finding]
    emitted: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.emitted = {
            f.rule
            for f in self.findings
            if (f.severity in SCORED_SEVERITIES or f.rule in self.expect) and f.rule not in self.allow
        }

    @property
    def sound(self) -> bool:
        """No warning or error is expected (info labels such as an empty row may remain)."""
        return all(CATALOGUE[code].severity not in SCORED_SEVERITIES for code in self.expect)

    @property
    def category(self) -> str:
        if self.sheet.kind == "department" or self.sheet.project is None:
            return f"部门整体：{self.sheet.unit_name}"
        return self.sheet.project.category


@dataclass
class Score:
    hits: int = 0
    misses: int = 0
    false_alarms: int = 0

    @property
    def labels(self) -> int:
        return self.hits + self.misses

    @property
    def recall(self) -> float:
        return self.hits / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        emitted = self.hits + self.false_alarms
        return self.hits / emitted if emitted else 1.0


def _library_context() -> tuple[list[Any], dict[str, tuple[str, ...]]]:
    data = files("jixiao.core.data").joinpath("library")
    entries = library_entries(json.loads(data.joinpath("indicators.json").read_text(encoding="utf-8")))
    categories = json.loads(data.joinpath("categories.json").read_text(encoding="utf-8"))["categories"]
    names = {c["name"]: (c["name"], c["domain"], c["code"]) for c in categories}
    return entries, names


def _context(sheets: list[GoalSheet], raw: list[dict[str, Any]], library: list[Any], names: dict) -> Context:
    category_names: list[str] = []
    for sheet in sheets:
        if sheet.project and sheet.project.category:
            for name in names.get(sheet.project.category, (sheet.project.category,)):
                if name not in category_names:
                    category_names.append(name)
    approved = None
    if len(raw) == 1 and raw[0].get("context", {}).get("approved_amount") is not None:
        approved = Decimal(raw[0]["context"]["approved_amount"])
    return Context(library=library, category_names=category_names, approved_amount=approved)


def _review_corpus() -> list[SheetResult]:
    library, names = _library_context()
    results = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        raw = data if isinstance(data, list) else [data]
        sheets = [
            read_sheet({k: v for k, v in item.items() if k not in LABEL_KEYS}, source=f"{path.name}#{i}")
            for i, item in enumerate(raw)
        ]
        context = _context(sheets, raw, library, names)
        if len(sheets) == 1:
            by_source = {sheets[0].source: review(sheets[0], context)}
        else:
            by_source = review_together(sheets, context)
        for sheet, item in zip(sheets, raw, strict=True):
            results.append(
                SheetResult(
                    source=sheet.source,
                    sheet=sheet,
                    expect=set(item["expect"]),
                    allow=set(item.get("allow", ())),
                    why=item.get("why", ""),
                    findings=list(by_source.get(sheet.source, [])),
                )
            )
    return results


@pytest.fixture(scope="module")
def corpus() -> list[SheetResult]:
    return _review_corpus()


def _scores(results: list[SheetResult]) -> tuple[dict[str, Score], dict[str, Score], Score]:
    by_family = {family: Score() for family in FAMILIES}
    by_rule: dict[str, Score] = {}
    total = Score()
    for r in results:
        for code in r.expect | r.emitted:
            family = code.split(".")[0]
            fam = by_family.setdefault(family, Score())
            rule = by_rule.setdefault(code, Score())
            if code in r.expect and code in r.emitted:
                kind = "hits"
            elif code in r.expect:
                kind = "misses"
            else:
                kind = "false_alarms"
            for score in (fam, rule, total):
                setattr(score, kind, getattr(score, kind) + 1)
    return by_family, by_rule, total


def _report(results: list[SheetResult]) -> str:
    by_family, by_rule, total = _scores(results)
    sound = sum(r.sound for r in results)
    lines = [
        "",
        f"Goal-sheet corpus: {len(results)} sheets ({sound} sound, {len(results) - sound} defective), "
        f"{len({r.category for r in results})} categories",
        f"{'family':<16}{'labels':>7}{'hits':>6}{'misses':>7}{'false':>7}{'recall':>8}{'precision':>10}",
    ]
    for name, score in [*by_family.items(), ("overall", total)]:
        lines.append(
            f"{name:<16}{score.labels:>7}{score.hits:>6}{score.misses:>7}{score.false_alarms:>7}"
            f"{score.recall:>8.3f}{score.precision:>10.3f}"
        )
    lines.append("")
    lines.append(f"{'rule':<44}{'labels':>7}{'hits':>6}{'misses':>7}{'false':>7}")
    for code in sorted(by_rule):
        s = by_rule[code]
        lines.append(f"{code:<44}{s.labels:>7}{s.hits:>6}{s.misses:>7}{s.false_alarms:>7}")
    lines.append("")
    lines.append("Disagreements (sheet: missed labels / unlabelled findings):")
    for r in results:
        missed = sorted(r.expect - r.emitted)
        extra = sorted(r.emitted - r.expect)
        if missed or extra:
            lines.append(f"  {r.source}: missed={missed} extra={extra}")
    return "\n".join(lines)


def test_report(corpus: list[SheetResult], capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(_report(corpus))


def test_corpus_is_large_and_varied(corpus: list[SheetResult]) -> None:
    categories = Counter(r.category for r in corpus)
    project_categories = {r.category for r in corpus if r.sheet.kind == "project"}
    sound = [r for r in corpus if r.sound]
    assert len(corpus) >= MIN_SHEETS
    assert len(categories) >= MIN_CATEGORIES
    assert len(project_categories) >= MIN_CATEGORIES
    assert 0.3 <= len(sound) / len(corpus) <= 0.45, "keep roughly a third of the corpus sound"
    assert any(r.sheet.kind == "department" for r in corpus)
    assert any(r.sheet.special_bond for r in corpus)


def test_labels_are_known_rule_codes(corpus: list[SheetResult]) -> None:
    unknown = sorted({(r.source, code) for r in corpus for code in r.expect | r.allow if code not in CATALOGUE})
    assert unknown == []
    assert [r.source for r in corpus if r.expect & r.allow] == []


def test_defective_sheets_say_why(corpus: list[SheetResult]) -> None:
    assert [r.source for r in corpus if not r.sound and not r.why] == []


def test_sound_sheets_raise_no_error(corpus: list[SheetResult]) -> None:
    errors = [(r.source, f.rule) for r in corpus if r.sound for f in r.findings if f.severity == "error"]
    assert errors == []


def test_overall_recall(corpus: list[SheetResult]) -> None:
    _, _, total = _scores(corpus)
    assert total.recall >= MIN_RECALL, _report(corpus)


@pytest.mark.parametrize("family", FAMILIES)
def test_family_recall(corpus: list[SheetResult], family: str) -> None:
    score = _scores(corpus)[0][family]
    if score.labels < MIN_FAMILY_LABELS:
        pytest.skip(f"{family}: only {score.labels} labels")
    assert score.recall >= MIN_RECALL, f"{family}: recall {score.recall:.3f} ({score.hits}/{score.labels})"


def test_overall_precision(corpus: list[SheetResult]) -> None:
    _, _, total = _scores(corpus)
    assert total.precision >= MIN_PRECISION, _report(corpus)
