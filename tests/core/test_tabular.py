import io

import pytest
from openpyxl import Workbook

from jixiao.core.tabular import Issue, TabularError, cell_text, normalize_text, read_tables


def _xlsx(rows: list[list[object]], title: str = "单位") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_keep_excel_row_numbers_and_skip_blank_rows() -> None:
    data = _xlsx([["单位编码", "单位名称"], [101001, "甲"], [None, None], ["\uff11\uff10\uff12", "乙"]])
    (table,) = read_tables("a.xlsx", data)
    assert table.sheet == "单位"
    assert table.columns == ["单位编码", "单位名称"]
    assert [(r.number, r.get("单位编码"), r.get("单位名称")) for r in table.rows] == [
        (2, "101001", "甲"),
        (4, "\uff11\uff10\uff12", "乙"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(encoding: str) -> None:
    data = "单位编码,单位名称\n101,渌口区教育局\n".encode(encoding)
    (table,) = read_tables("a.csv", data)
    assert table.rows[0].cells == {"单位编码": "101", "单位名称": "渌口区教育局"}


def test_unreadable_files_are_named_errors() -> None:
    with pytest.raises(TabularError, match=r"a\.xlsx"):
        read_tables("a.xlsx", b"not a zip")
    with pytest.raises(TabularError, match="类型不受支持"):
        read_tables("a.pdf", b"%PDF")


def test_cell_text_reads_excel_floats_as_codes() -> None:
    assert cell_text(101001.0) == "101001"
    assert cell_text(12.5) == "12.5"
    assert cell_text("\u3000株洲市（渌口区） ") == "株洲市（渌口区）"
    assert normalize_text("\u3000\uff11\uff12\uff13％ ") == "123%"


def test_issue_message_names_every_coordinate() -> None:
    issue = Issue("单位.xlsx", "Sheet1", 5, "单位类型", "机关", "行政、事业、乡镇、其他之一")
    assert (
        issue.message()
        == "文件「单位.xlsx」工作表「Sheet1」第 5 行「单位类型」列：值为「机关」，应为：行政、事业、乡镇、其他之一"
    )
