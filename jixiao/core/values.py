"""Reading one target cell of a goal sheet: symbol, number, unit, qualitative level, deadline.

Published tables write a target in many ways: ``≥95%``, ``≧95％`` pasted from Excel,
``不少于3万人``, ``≤ 1800元/批次``, ``达到预期``, ``3个工作日内``, ``2024年6月30日前``, an Excel
date serial in a 时效 row. The reader understands the forms that have one meaning and refuses the
rest: an unreadable cell gets ``problem`` set and becomes a finding, never a guessed number
(STYLE.md rule 10).
"""

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

SYMBOLS = ("≥", "≤", "=", ">", "<", "定性")
COMPARISONS = frozenset(("≥", "≤", "=", ">", "<"))

# Problem codes a cell can carry (measurability rules turn them into findings).
EMPTY = "empty"
PLACEHOLDER = "placeholder"
NOT_A_NUMBER = "not-a-number"
UNIT_CONFLICT = "unit-conflict"

# Every spelling of a symbol seen in goal tables, after NFKC (which already folds the full-width comparison signs).
_SYMBOL_WORDS = {
    "≥": "≥",
    ">=": "≥",
    "=>": "≥",
    "\u2267": "≥",  # ≧
    "\u2a7e": "≥",  # ⩾
    "大于等于": "≥",
    "大于或等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "至少": "≥",
    "最少": "≥",
    "≤": "≤",
    "<=": "≤",
    "=<": "≤",
    "\u2266": "≤",  # ≦
    "\u2a7d": "≤",  # ⩽
    "小于等于": "≤",
    "小于或等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "不大于": "≤",
    "至多": "≤",
    "最多": "≤",
    "控制在": "≤",
    "=": "=",
    "==": "=",
    "等于": "=",
    ">": ">",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "多于": ">",
    "<": "<",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "定性": "定性",
    "定性指标": "定性",
}
_LEADING = re.compile(
    "^("
    + "|".join(re.escape(w) for w in sorted(_SYMBOL_WORDS, key=len, reverse=True) if w not in ("定性", "定性指标"))
    + ")"
)
# "达到95%" reads as ≥ only in front of a number; "达到预期" is a qualitative level.
_REACH = re.compile(r"^(?:达到|实现|完成)(?=[0-9零\u3007一二两三四五六七八九十百])")
_APPROXIMATE = re.compile(r"^(?:约|大约|大概|预计)|(?:左右|上下|以上左右)$")
_TRAILING = re.compile(r"(及以上|或以上|以上|及以下|或以下|以下|以内|之内|内|及之前|以前|之前|前)$")
_TRAILING_SYMBOL = {
    "及以上": "≥",
    "或以上": "≥",
    "以上": "≥",
    "及以下": "≤",
    "或以下": "≤",
    "以下": "≤",
    "以内": "≤",
    "之内": "≤",
    "内": "≤",
    "及之前": "≤",
    "以前": "≤",
    "之前": "≤",
    "前": "≤",
}
_DEADLINE_VERB = re.compile(r"(?:全部|全面)?(?:完成|完工|竣工|到位|办结|拨付到位|拨付|发放到位|发放|验收|结束)$")
_PARENTHESES = re.compile(r"\([^()]*\)")
_NUMBER = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)")
_MULTIPLIER = re.compile(r"^(万|亿|千(?![米克瓦卡帕伏]))")
_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}
_UNIT_TEXT = re.compile(r"^(?:[%‰℃]|[A-Za-z\u4e00-\u9fff/·.²³\-]{1,10})$")
_CN_NUMERAL = re.compile("^([零一二两三四五六七八九十百千万亿点]+)(.*)$")
_PERCENT_WORDS = re.compile("^百分之([零一二两三四五六七八九十百点]+)$")
_FULL_DATE = re.compile(r"^(\d{4})[年/.\-](\d{1,2})[月/.\-](\d{1,2})日?(?:[T ]?0{1,2}:00(?::00)?)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})[年/.\-](\d{1,2})月?(?:份)?(底|末|中旬|上旬|下旬)?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日$")
_MONTH_END = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:份)?(底|末|中旬|上旬|下旬)$")
_YEAR_END = re.compile(r"^(?:本年度?|当年度?|年度)?(?:年底|年末|年内|年终|底)$|^本?年度内$")
_HALF_YEAR = re.compile(r"^(?:上半年|年中)(?:末|底)?$")
_QUARTER = re.compile(r"^(?:第)?([一二三四1-4])季度(?:末|底)?$")
_EXCEL_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# A placeholder left from a template: ≥**%, XX, xx%, ?? — marks or letters x standing in for digits.
_PLACEHOLDER_MARK = re.compile(
    "[*?\u00d7\u2573\uff38\u2715]|(?<![A-Za-z])[xX]{1,4}(?![A-Za-z])|待定|待填|待确定|待核定|某"
)
_PLACEHOLDER_CELLS = frozenset(
    ("/", "-", "--", "\u2014", "\u2014\u2014", "\u2013", "空", "无", "暂无", "TBD", "tbd", "...", "\u2026")
)
# Quantity words that are not a number: the cell reads as a count but says none.
_NOT_A_NUMBER_WORDS = frozenset(
    (
        "若干",
        "若干个",
        "若干项",
        "多个",
        "多项",
        "多次",
        "一批",
        "一些",
        "大量",
        "少量",
        "适量",
        "部分",
        "一定数量",
        "一定比例",
        "数个",
        "N/A",
        "n/a",
        "NA",
        "na",
        "不详",
        "不限",
        "全部",
        "所有",
    )
)
# Units a spelled-out Chinese numeral may stand before (三万人, 十二个月, 三个工作日): anything else
# after the numeral means the characters are a word (一般, 一次性), not a number.
_CN_UNITS = frozenset(
    [
        "人",
        "人次",
        "个",
        "户",
        "次",
        "批",
        "批次",
        "家",
        "所",
        "场",
        "场次",
        "期",
        "件",
        "台",
        "套",
        "辆",
        "盏",
        "公里",
        "千米",
        "米",
        "平方米",
        "亩",
        "万亩",
        "吨",
        "天",
        "日",
        "周",
        "月",
        "个月",
        "年",
        "小时",
        "个小时",
        "工作日",
        "个工作日",
        "分钟",
        "元",
        "万元",
        "项",
        "篇",
        "份",
        "名",
        "位",
        "座",
        "处",
        "条",
        "张",
        "本",
        "册",
        "株",
        "棵",
        "头",
        "只",
        "班",
        "课时",
        "学时",
        "门",
        "类",
        "起",
        "例",
        "宗",
        "单",
        "轮",
        "%",
        "倍",
    ]
)
_UNIT_SYNONYMS = {
    "个工作日": "工作日",
    "个小时": "小时",
    "km": "公里",
    "千米": "公里",
    "m2": "平方米",
    "m²": "平方米",
    "平米": "平方米",
    "周": "周",
    "百分比": "%",
    "百分点": "%",
}


@dataclass(frozen=True)
class Target:
    """One target as read: what was given, and what it means when it has one meaning."""

    raw: str
    symbol: str | None
    number: Decimal | None
    level: str
    unit: str
    date: dt.date | None
    problem: str | None
    cell_unit: str = ""

    @property
    def quantitative(self) -> bool:
        return self.symbol in COMPARISONS and self.number is not None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).replace("\u2212", "-")


def normalize_symbol(text: str) -> str | None:
    """The canonical symbol (``≥ ≤ = > < 定性``) of a symbol cell, or None when it is not one."""
    return _SYMBOL_WORDS.get(_fold(text))


def normalize_unit(text: str) -> str:
    """A unit as compared: NFKC (％ → %), no spaces, common synonyms folded (个工作日 → 工作日)."""
    unit = _fold(text)
    return _UNIT_SYNONYMS.get(unit.lower() if unit.isascii() else unit, unit)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _chinese_number(text: str) -> Decimal | None:
    """A spelled-out Chinese numeral (三万, 一百二十, 三点五), through cn2an; None when not one."""
    text = text.replace("两", "二").replace("\u3007", "零")
    try:
        value = cn2an.cn2an(text, "strict")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return Decimal(str(value))


def _month_end(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _to_text(value: str | int | float | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Excel and JSON readers hand numbers over as floats; their shortest repr is the number
        # the person typed (95.5, not 95.49999...).
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass
class _Parse:
    symbol: str | None = None
    number: Decimal | None = None
    level: str = ""
    unit: str = ""
    cell_unit: str = ""
    date: dt.date | None = None
    problem: str | None = None


def parse_target(
    value: str | int | float | Decimal | None,
    *,
    symbol: str = "",
    unit: str = "",
    date_context: bool = False,
    year: int | None = None,
) -> Target:
    """Read a target cell (with its symbol and unit columns, when the table has them).

    ``date_context`` is set for 时效 rows: there a five-digit number is an Excel date serial and
    ``6月底前`` a deadline. ``year`` (the sheet's fiscal year) dates the deadlines written without
    a year (``6月30日前``, ``年底前``); without it they keep only their month number.
    """
    text = _to_text(value)
    given_symbol = symbol.strip()
    given_unit = unit.strip()
    raw = text.strip()
    if given_symbol and given_symbol != "定性" and not raw.startswith(given_symbol):
        raw = given_symbol + raw
    if given_unit and not raw.endswith(given_unit):
        raw = f"{raw}{'' if raw[-1:].isdigit() else ' '}{given_unit}" if raw else given_unit
    result = _parse(text, value, given_symbol, normalize_unit(given_unit), date_context, year)
    return Target(
        raw=raw,
        symbol=result.symbol,
        number=result.number,
        level=result.level,
        unit=result.unit,
        date=result.date,
        problem=result.problem,
        cell_unit=result.cell_unit,
    )


def _parse(
    text: str,
    value: object,
    given_symbol: str,
    field_unit: str,
    date_context: bool,
    year: int | None,
) -> _Parse:
    field_symbol = normalize_symbol(given_symbol) if given_symbol else None
    out = _Parse(symbol=field_symbol, unit=field_unit)
    cell = _fold(text)
    if not cell:
        out.problem = EMPTY
        return out
    if cell in _NOT_A_NUMBER_WORDS:
        out.problem = NOT_A_NUMBER
        return out
    if cell in _PLACEHOLDER_CELLS or _PLACEHOLDER_MARK.search(cell):
        out.problem = PLACEHOLDER
        leading = _LEADING.match(cell)
        out.symbol = field_symbol or (_SYMBOL_WORDS[leading.group(0)] if leading else None)
        return out
    if field_symbol == "定性":
        out.level = cell
        return out

    if date_context and _excel_serial(value, cell, field_unit, out):
        return out

    body = _PARENTHESES.sub("", cell) or cell
    cell_symbol = None
    match = _LEADING.match(body) or _REACH.match(body)
    if match:
        cell_symbol = _SYMBOL_WORDS.get(match.group(0), "≥")
        body = body[match.end() :]
    body = _DEADLINE_VERB.sub("", body) or body
    if _deadline(body, year, out, date_context):
        out.symbol = field_symbol or cell_symbol or "≤"
        return out
    trailing = _TRAILING.search(body)
    # 内 / 前 close a duration or a deadline (3个工作日内, 6月底前); on a bare word they are part of it.
    if trailing and len(body) > len(trailing.group(1)):
        cell_symbol = cell_symbol or _TRAILING_SYMBOL[trailing.group(1)]
        body = body[: trailing.start()]
    symbol = field_symbol or cell_symbol
    out.symbol = symbol
    if _APPROXIMATE.search(body):
        out.problem = NOT_A_NUMBER
        return out
    if _deadline(body, year, out, date_context):
        out.symbol = symbol or "≤"
        return out
    if _number_and_unit(body, field_unit, out):
        return out
    if any(ch.isdigit() for ch in body) or symbol in COMPARISONS:
        # 3-5, 12..5, ≥若干, ≥有效提升: a comparison needs a number, and digits that do not read
        # as one are not guessed at.
        out.problem = NOT_A_NUMBER
        return out
    out.symbol = "定性"
    out.level = cell
    return out


def _excel_serial(value: object, cell: str, field_unit: str, out: _Parse) -> bool:
    """An Excel date serial (45473 = 2024-06-30) in a 时效 row whose unit is not a duration."""
    if field_unit not in ("", "日期", "年月日", "时间"):
        return False
    if not (isinstance(value, int | float | Decimal) and not isinstance(value, bool)) and not _EXCEL_SERIAL.match(cell):
        return False
    number = _decimal(cell)
    if number is None or number != number.to_integral_value() or not 20000 <= number <= 80000:
        return False
    out.date = _EXCEL_EPOCH + dt.timedelta(days=int(number))
    out.symbol = out.symbol or "≤"
    return True


def _dotted_number(match: re.Match[str], date_context: bool) -> bool:
    """``1805.4`` or ``2023.4``: in a 时效 row a year and month, anywhere else a decimal number.
    Only a plausible year (1990–2100) is ever a date."""
    if not 1990 <= int(match.group(1)) <= 2100:
        return True
    return not date_context and not re.search("[年月日/-]", match.group(0))


def _deadline(body: str, year: int | None, out: _Parse, date_context: bool = False) -> bool:
    """Dates and month deadlines; a month without a year keeps its number with unit 月."""
    if (m := _FULL_DATE.match(body)) and not _dotted_number(m, date_context):
        out.date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if out.date is None:
            out.problem = NOT_A_NUMBER
        return True
    if (m := _YEAR_MONTH.match(body)) and not _dotted_number(m, date_context):
        out.date = _month_end(int(m.group(1)), int(m.group(2)))
        if out.date is None:
            out.problem = NOT_A_NUMBER
        return True
    if m := _MONTH_DAY.match(body):
        if year is not None:
            out.date = _date(year, int(m.group(1)), int(m.group(2)))
            if out.date is None:
                out.problem = NOT_A_NUMBER
        elif not (1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31):
            out.problem = NOT_A_NUMBER
        return True
    month: int | None = None
    if m := _MONTH_END.match(body):
        raw = m.group(1)
        number = _decimal(raw) if raw.isdigit() else _chinese_number(raw)
        month = int(number) if number is not None else 0
    elif _YEAR_END.match(body):
        month = 12
    elif _HALF_YEAR.match(body):
        month = 6
    elif m := _QUARTER.match(body):
        month = 3 * ("一二三四".index(m.group(1)) + 1 if not m.group(1).isdigit() else int(m.group(1)))
    if month is None:
        return False
    if not 1 <= month <= 12:
        out.problem = NOT_A_NUMBER
        return True
    out.number = Decimal(month)
    out.unit = out.unit or "月"
    out.cell_unit = "月"
    if year is not None:
        out.date = _month_end(year, month)
    return True


def _number_and_unit(body: str, field_unit: str, out: _Parse) -> bool:
    percent = _PERCENT_WORDS.match(body)
    if percent:
        number = _chinese_number(percent.group(1))
        if number is None:
            return False
        return _settle(number, Decimal(1), "", "%", "%", field_unit, out)
    match = _NUMBER.match(body)
    if match:
        number = _decimal(match.group(1))
        if number is None:
            return False
        rest = body[match.end() :]
        multiplier = _MULTIPLIER.match(rest)
        factor = Decimal(1)
        mult_text = ""
        if multiplier:
            mult_text = multiplier.group(1)
            factor = _MULTIPLIERS[mult_text]
            rest = rest[multiplier.end() :]
        if rest and not _UNIT_TEXT.match(rest):
            return False
        return _settle(number, factor, mult_text, rest, mult_text + rest, field_unit, out)
    spelled = _CN_NUMERAL.match(body)
    if spelled:
        rest = spelled.group(2)
        if rest and rest not in _CN_UNITS:
            return False
        number = _chinese_number(spelled.group(1))
        if number is None:
            return False
        return _settle(number, Decimal(1), "", rest, rest, field_unit, out)
    return False


def _settle(
    number: Decimal,
    factor: Decimal,
    mult_text: str,
    rest: str,
    written: str,
    field_unit: str,
    out: _Parse,
) -> bool:
    """Put number and unit together: the unit column wins; a unit in the cell must agree with it."""
    base = normalize_unit(rest)
    out.cell_unit = written
    if not field_unit:
        out.number = number * factor
        out.unit = base
        return True
    out.unit = field_unit
    whole = normalize_unit(written)
    if not written or whole == field_unit:
        # "3万人" under a 万人 column is 3 万人; "95%" under % is 95.
        out.number = number
        return True
    if not base or base == field_unit or _compatible(base, field_unit):
        out.number = number * factor
        return True
    field_mult = _MULTIPLIER.match(field_unit)
    if field_mult and normalize_unit(field_unit[field_mult.end() :]) == base:
        # 900000元 under a 万元 column: the same unit at another scale, converted exactly.
        out.number = number * factor / _MULTIPLIERS[field_mult.group(1)]
        return True
    out.number = number * factor
    out.problem = UNIT_CONFLICT
    return True


def _compatible(cell: str, column: str) -> bool:
    """元/批次 written in the cell of a 元 column (or the reverse) says the same thing more exactly."""
    return cell.startswith(column + "/") or column.startswith(cell + "/")
