"""``jixiao score-selfeval``: forms in, scores out (formats §4), an exit status a script can use."""

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.cli_score import main

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples" / "selfeval.json"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_example_as_json() -> None:
    code, out, err = run("--json", str(EXAMPLE))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["schema"] == "jixiao.score/1"
    [evaluation] = document["evaluations"]
    assert evaluation["source"] == f"{EXAMPLE}#0"
    assert (evaluation["execution_rate"], evaluation["execution_score"]) == ("95.00", "9.50")
    assert [i["score"] for i in evaluation["indicators"]] == [
        "20.00",
        "14.92",
        "10.00",
        "4.44",
        "15.00",
        "15.00",
        "10.00",
    ]
    assert (evaluation["total"], evaluation["grade"]) == ("98.86", "优")
    assert evaluation["discrepancies"] == []
    assert all(f["severity"] != "error" for f in evaluation["findings"])


def test_the_example_as_text() -> None:
    code, out, _ = run(str(EXAMPLE))
    assert code == 0
    assert "预算执行率 95.00%，得分 9.50 / 10.00" in out
    assert "2. 抽检产品合格率：指标值 ≥98%，实际 97.5，得分 14.92 / 15.00" in out
    assert "总分 98.86，等级「优」" in out


def test_a_messy_published_form(tmp_path: Path) -> None:
    data = example()
    data["indicators"][0]["actual"] = "100%"  # a percentage written where a count belongs
    data["indicators"][1].pop("deviation_reason")
    data["claimed"] = {"indicator_scores": ["20", "15"], "total": "100", "grade": "优"}
    code, out, _ = run("--json", write(tmp_path / "messy.json", data))
    assert code == 1
    [evaluation] = json.loads(out)["evaluations"]
    assert evaluation["indicators"][0]["score"] is None
    assert evaluation["total"] is None and evaluation["grade"] is None
    rules = {f["rule"] for f in evaluation["findings"]}
    assert {"measurability.actual-unreadable", "completeness.deviation-unexplained"} <= rules
    assert {"field": "indicator_scores[0]", "claimed": "20", "computed": None} in evaluation["discrepancies"]
    assert {"field": "total", "claimed": "100", "computed": None} in evaluation["discrepancies"]
    code, text, _ = run(str(tmp_path / "messy.json"))
    assert "[与表上不符] 第 1 个指标「食用农产品抽检批次」得分：表上为 20，计算为 无法计算" in text
    assert "总分无法计算" in text


def test_claimed_figures_alone_exit_1(tmp_path: Path) -> None:
    data = example()
    data["claimed"] = {"total": "99"}
    code, out, _ = run(write(tmp_path / "claimed.json", data))
    assert code == 1 and "[与表上不符] 总分：表上为 99，计算为 98.86" in out


def test_several_files_and_lists(tmp_path: Path) -> None:
    second = example()
    second["project"]["name"] = "另一个项目"
    path = write(tmp_path / "two.json", [example(), second])
    code, out, _ = run("--json", str(EXAMPLE), path)
    assert code == 0
    sources = [e["source"] for e in json.loads(out)["evaluations"]]
    assert sources == [f"{EXAMPLE}#0", f"{path}#0", f"{path}#1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "不是有效的 JSON"),
        ("[]", "没有绩效自评表"),
        ('{"schema": "jixiao.goal-sheet/1"}', "不是绩效自评表格式"),
    ],
)
def test_unreadable_input_exits_2_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(str(EXAMPLE), str(path))
    assert code == 2 and out == ""
    assert "bad.json" in err and message in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json" in err and "不存在" in err


def test_the_jixiao_command_needs_no_django(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from jixiao import cli\n"
        f"sys.argv = ['jixiao', 'score-selfeval', '--json', {str(EXAMPLE)!r}]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code, 'django' in sys.modules)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.splitlines()[-1] == "exit 0 False"
    assert '"total": "98.86"' in result.stdout
