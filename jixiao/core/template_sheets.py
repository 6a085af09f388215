"""Reading the worksheets of a filled-in Jixiao template (monitoring and self-evaluation forms).

Each template worksheet carries, in a hidden column, the template's schema in row 1 and a tag on
every row a person fills (``line:<id>`` on indicator rows, a name on the others), so rows inserted
or moved by hand are found or refused, never guessed. Worksheets without the schema (a note sheet
a person added) are skipped; a schema out of place or of another version is an issue.
"""

import io
import zipfile
from dataclasses import dataclass, field

import python_calamine

from jixiao.core.goal_excel import value_text
from jixiao.core.tabular import MAX_CELLS, Issue, TabularError, _check_xlsx_extent

REDOWNLOAD = "请重新下载模板"


@dataclass
class TemplateSheet:
    """One template worksheet as read: its cells, 1-based, and the rows its hidden tags name."""

    name: str
    rows: list[list[object]]
    tags: dict[str, int] = field(default_factory=dict)
    line_rows: list[tuple[int, str]] = field(default_factory=list)

    def text(self, row: int, column: int) -> str:
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return value_text(self.rows[row - 1][column - 1])
        return ""


def read_template_sheets(
    file: str, data: bytes, issues: list[Issue], *, schema: str, marker_column: int, tag_line: str
) -> list[TemplateSheet]:
    """The worksheets of ``data`` that carry ``schema`` in row 1 of ``marker_column``, with their
    tagged rows; every problem is appended to ``issues`` naming the file and sheet."""
    try:
        if zipfile.is_zipfile(io.BytesIO(data)):
            _check_xlsx_extent(file, data)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except TabularError as exc:
        issues.append(Issue(file, None, None, None, "", exc.reason))
        return []
    except Exception as exc:
        issues.append(Issue(file, None, None, None, "", f"无法读取：不是有效的 Excel 文件（{exc}）"))
        return []
    prefix = schema.rsplit("/", 1)[0] + "/"
    letter = chr(ord("A") + marker_column - 1)
    sheets = []
    for name in book.sheet_names:
        try:
            worksheet = book.get_sheet_by_name(name)
            if worksheet.total_height * max(worksheet.total_width, 1) > MAX_CELLS:
                issues.append(Issue(file, name, None, None, "", "工作表过大：请删除多余的行列后再上传"))
                continue
            rows: list[list[object]] = [list(r) for r in worksheet.to_python(skip_empty_area=False)]
        except Exception as exc:
            issues.append(Issue(file, name, None, None, "", f"工作表无法读取（{exc}）"))
            continue
        sheet = TemplateSheet(name, rows)
        marker = next(
            (
                (r, c)
                for r in (1, 2)
                for c in range(1, len(rows[r - 1]) + 1 if r <= len(rows) else 1)
                if sheet.text(r, c).startswith(prefix)
            ),
            None,
        )
        if marker is None:
            continue
        if marker != (1, marker_column):
            issues.append(
                Issue(
                    file,
                    name,
                    marker[0],
                    "模板标识",
                    sheet.text(*marker),
                    f"位于 {letter}1 的模板标识：请勿插入或删除行列，{REDOWNLOAD}",
                )
            )
            continue
        if sheet.text(*marker) != schema:
            issues.append(
                Issue(file, name, 1, "模板标识", sheet.text(*marker), f"本系统可读取的模板（{schema}）：{REDOWNLOAD}")
            )
            continue
        for row in range(3, len(rows) + 1):
            tag = sheet.text(row, marker_column)
            if tag.startswith(tag_line):
                sheet.line_rows.append((row, tag.removeprefix(tag_line)))
            elif tag:
                sheet.tags.setdefault(tag, row)
        sheets.append(sheet)
    return sheets
