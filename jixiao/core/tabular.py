"""Read the tables units and the integrated budget system hand us: .xlsx, .xls and CSV.

Everything comes out as text cells with the row numbers a person sees in Excel, so that every
import can report "file, sheet, row, column, value, expected" in Chinese. Numbers are never
guessed here: a cell is text until an importer's own rule reads it.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import python_calamine

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
# A sheet is read into memory whole; a stray cell at XFD1048576 would ask for terabytes. Real
# exports (50,000 project rows of 20 columns) stay far below these.
MAX_CELLS = 3_000_000
MAX_COLUMNS = 1_000
MAX_SHEET_XML_BYTES = 400 * 1024 * 1024
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
CSV_SUFFIXES = {".csv"}
# GB18030 is a superset of GBK and GB2312: what Excel on a Chinese Windows writes.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


class TabularError(ValueError):
    """The file as a whole cannot be read; the message is Chinese and names the file,
    ``reason`` says what is wrong without it (for an ``Issue`` that names the file itself)."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"文件「{file}」{reason}")
        self.file = file
        self.reason = reason


@dataclass(frozen=True)
class Issue:
    """One problem in an imported file, located the way a person finds it in Excel."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    expected: str

    def message(self) -> str:
        if self.row is None and self.column is None and not self.value:
            # A problem with the file as a whole: ``expected`` reads on from the file's name.
            return f"文件「{self.file}」{self.expected}"
        where = [f"文件「{self.file}」"]
        if self.sheet:
            where.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"「{self.column}」列")
        seen = f"值为「{self.value}」" if self.value else "为空"
        return f"{''.join(where)}：{seen}，应为：{self.expected}"


@dataclass
class Row:
    number: int  # 1-based, as Excel shows it
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    file: str
    sheet: str | None
    header_row: int
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    encoding: str | None = None

    def issue(self, row: int | None, column: str | None, value: str, expected: str) -> Issue:
        return Issue(self.file, self.sheet, row, column, value, expected)


def normalize_text(value: str) -> str:
    """NFKC folds full-width digits and letters pasted from Excel (full-width 012 → 012, ％ → %)."""
    return unicodedata.normalize("NFKC", value).strip()


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Excel stores every number as a float; 101001.0 is the code 101001. Beyond 2**53 a float
        # no longer holds every integer: a long code typed as a number has already lost digits,
        # so it stays in float notation and no code or amount rule accepts it.
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    # Text stays as written (official names use full-width brackets); importers normalise the
    # cells that hold codes and numbers with ``normalize_text``.
    return str(value).strip()


def read_tables(filename: str, data: bytes) -> list[Table]:
    """Every non-empty sheet of the file as a table whose first non-empty row is the header."""
    name = PurePath(filename).name
    suffix = PurePath(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        text, encoding = _decode_csv(name, data)
        try:
            # newline="" lets the csv module read CR-only line ends (Excel for Mac).
            csv_grid: list[list[str]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise TabularError(name, f"不是有效的 CSV 文件（{exc}）") from None
        tables = [_to_table(name, None, csv_grid)]
        tables[0].encoding = encoding
        return [t for t in tables if t.columns]
    if suffix in EXCEL_SUFFIXES:
        if zipfile.is_zipfile(io.BytesIO(data)):
            _check_xlsx_extent(name, data)
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:
            raise TabularError(name, f"无法读取：不是有效的 Excel 文件（{exc}）") from None
        tables = []
        for sheet_name in book.sheet_names:
            try:
                sheet = book.get_sheet_by_name(sheet_name)
                if sheet.total_height * max(sheet.total_width, 1) > MAX_CELLS:
                    raise TabularError(name, f"的工作表「{sheet_name}」过大：请删除多余的行列后再导入")
                grid = sheet.to_python(skip_empty_area=False)
            except TabularError:
                raise
            except Exception as exc:
                raise TabularError(name, f"的工作表「{sheet_name}」无法读取（{exc}）") from None
            table = _to_table(name, sheet_name, grid)
            if table.columns:
                tables.append(table)
        return tables
    raise TabularError(name, "类型不受支持：应为 .xlsx、.xls 或 .csv 文件")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _check_xlsx_extent(name: str, data: bytes) -> None:
    """Refuse a workbook whose sheets would not fit in memory, before the reader allocates them:
    the cell references in each sheet's XML say how far it really reaches."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = [
            i for i in archive.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
        ]
        if sum(i.file_size for i in sheets) > MAX_SHEET_XML_BYTES:
            raise TabularError(name, "过大：解压后超过 400 MB，请拆分后导入")
        for info in sheets:
            rows = cols = 0
            tail = b""
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    block = tail + chunk
                    for letters, digits in _CELL_REF.findall(block):
                        rows, cols = max(rows, int(digits)), max(cols, _column_number(letters))
                    tail = block[-32:]
            if cols > MAX_COLUMNS or rows * max(cols, 1) > MAX_CELLS:
                raise TabularError(
                    name, f"的工作表过大（有内容的区域达 {rows} 行、{cols} 列）：请删除多余的行列后再导入"
                )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise TabularError(name, f"无法读取：不是有效的 Excel 文件（{exc}）") from None


def _decode_csv(name: str, data: bytes) -> tuple[str, str]:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TabularError(name, "编码无法识别：应为 UTF-8 或 GBK/GB18030 编码的 CSV")


def _to_table(name: str, sheet: str | None, grid: Sequence[Sequence[object]]) -> Table:
    header_index = next(
        (i for i, row in enumerate(grid) if any(cell_text(c) for c in row)),
        None,
    )
    if header_index is None:
        return Table(name, sheet, 0, [])
    columns = [cell_text(c) for c in grid[header_index]]
    table = Table(name, sheet, header_index + 1, columns)
    for offset, raw in enumerate(grid[header_index + 1 :], start=header_index + 2):
        texts = [cell_text(c) for c in raw]
        if not any(texts):
            continue
        cells = {col: (texts[i] if i < len(texts) else "") for i, col in enumerate(columns) if col}
        table.rows.append(Row(offset, cells))
    return table


def missing_columns(table: Table, required: Iterable[str]) -> list[Issue]:
    """An issue for each required column the header lacks."""
    return [
        table.issue(table.header_row, column, "", f"表头应包含「{column}」列")
        for column in required
        if column not in table.columns
    ]


def duplicate_columns(table: Table) -> list[Issue]:
    """An issue for each column name the header repeats: which one holds the data is unknowable."""
    seen: set[str] = set()
    issues = []
    for column in table.columns:
        if column and column in seen:
            issues.append(table.issue(table.header_row, column, column, f"「{column}」列只能出现一次"))
        seen.add(column)
    return issues


class PlanSummary:
    """What every import plan answers: is it clean, and how many rows create, update or keep.
    A plan has ``issues`` and ``changes`` whose items carry an ``action``."""

    issues: list[Issue]
    changes: list[Any]

    @property
    def ok(self) -> bool:
        return not self.issues

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")
