"""``jixiao check-goals``: files in, findings out, an exit status a script can use; no database."""

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.cli_checks import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "formats" / "examples"
SOUND, DEFECTS, DEPARTMENT = (str(EXAMPLES / f"goal-{n}.json") for n in ("sound", "defects", "department"))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_sound_sheet_passes() -> None:
    code, out, err = run(SOUND)
    assert (code, err) == (0, "")
    assert "农产品质量安全抽检专项" in out and "未发现问题" in out


def test_defects_as_text() -> None:
    code, out, _ = run(DEFECTS)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{DEFECTS}#0") and "城区路灯维护项目" in lines[0] and "错误" in lines[0]
    assert any(line.startswith("  [错误] 第 2 个指标「亮灯率」：") and "120%" in line for line in lines), (
        "the indicator number is 1-based for people"
    )
    assert any(line.startswith("  [警告] 整表：") for line in lines)
    assert any(line.strip().startswith("建议：") for line in lines)


def test_json_output_is_formats_section_3() -> None:
    code, out, _ = run("--json", DEFECTS, SOUND)
    assert code == 1
    data: dict[str, Any] = json.loads(out)
    assert data["schema"] == "jixiao.findings/1"
    defects, sound = data["sheets"]
    assert defects["source"] == f"{DEFECTS}#0"
    assert defects["unit"] == "株洲市渌口区城市管理和综合执法局" and defects["project"] == "城区路灯维护项目"
    assert sound["findings"] == []
    finding = next(f for f in defects["findings"] if f["rule"] == "reasonableness.rate-over-100")
    assert finding == {
        "rule": "reasonableness.rate-over-100",
        "family": "reasonableness",
        "severity": "error",
        "indicator": 1,
        "field": "value",
        "message": "「亮灯率」是比率，目标值 120% 超过了 100%。",
        "hint": finding["hint"],
        "basis": finding["basis"],
    }
    assert finding["hint"] and "财预" in finding["basis"]
    assert {f["indicator"] for f in defects["findings"] if f["rule"] == "relevance.unrelated-indicator"} == {3}


def test_files_given_together_are_reviewed_together() -> None:
    code, out, _ = run("--json", DEPARTMENT, SOUND)
    assert code == 1
    department = json.loads(out)["sheets"][0]
    assert department["project"] is None
    [line] = [f for f in department["findings"] if f["rule"] == "consistency.department-line-amount"]
    assert "950,000.00" in line["message"] and "900,000.00" in line["message"]
    # Alone, the department sheet has nothing to be compared with.
    code, out, _ = run("--json", DEPARTMENT)
    assert code == 0
    assert not [f for f in json.loads(out)["sheets"][0]["findings"] if f["rule"].startswith("consistency.department")]


def test_a_file_with_a_list_of_sheets(tmp_path: Path) -> None:
    both = tmp_path / "both.json"
    sheets = [
        json.loads(Path(DEPARTMENT).read_text(encoding="utf-8")),
        json.loads(Path(SOUND).read_text(encoding="utf-8")),
    ]
    both.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run("--json", str(both))
    assert code == 1
    assert [s["source"] for s in json.loads(out)["sheets"]] == [f"{both}#0", f"{both}#1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": "jixiao.goal-sheet/1"', "第 1 行第 33 列：不是有效的 JSON"),
        ('{"schema": "jixiao.goal-sheet/1", "kind": "project"}', "第 1 张表：缺少「year」"),
        ("[]", "没有绩效目标表"),
    ],
)
def test_unreadable_input_exits_2_naming_file_and_place(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(SOUND, str(bad))
    assert (code, out) == (2, "")
    assert f"文件「{bad}」" in err and message in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.json"), str(tmp_path / "nope.xlsx"))
    assert code == 2
    assert "nope.json" in err and "nope.xlsx" in err and "不存在" in err


def test_excel_template(tmp_path: Path) -> None:
    from jixiao.core import goal_excel

    sheets = [json.loads(Path(p).read_text(encoding="utf-8")) for p in (DEFECTS,)]
    book = tmp_path / "目标表.xlsx"
    book.write_bytes(goal_excel.write_workbook(sheets))
    code, out, err = run("--json", str(book))
    assert err == "" and code == 1
    [sheet] = json.loads(out)["sheets"]
    assert sheet["source"] == f"{book}#0" and sheet["project"] == "城区路灯维护项目"
    assert "reasonableness.rate-over-100" in {f["rule"] for f in sheet["findings"]}


def test_not_an_excel_file(tmp_path: Path) -> None:
    book = tmp_path / "fake.xlsx"
    book.write_text("not a workbook", encoding="utf-8")
    code, _, err = run(str(book))
    assert code == 2 and "fake.xlsx" in err


def test_the_jixiao_command_needs_no_django(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from jixiao import cli\n"
        f"sys.argv = ['jixiao', 'check-goals', {SOUND!r}]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code, 'django' in sys.modules, 'jieba' in sys.modules, 'openpyxl' in sys.modules)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.splitlines()[-1] == "exit 0 False False False"
