"""Reading money from the cells of imported tables.

The integrated budget system and people's own spreadsheets write amounts as ``1234.5``,
``1,234.50``, in full-width digits, or as ``¥1,234.50``; a header says whether the column is in
元 or 万元. A cell that is not a plain number is reported, never guessed.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from jixiao.core.money import TEN_THOUSAND

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_CURRENCY = ("¥", "￥", "元")
CENT = Decimal("0.01")
# The database keeps amounts in 16 digits with 2 decimals: below a hundred trillion yuan.
MAX_AMOUNT = Decimal(10) ** 14


class AmountError(ValueError):
    """``expected`` says in Chinese what the cell should hold."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def header_scale(header: str) -> tuple[str, Decimal]:
    """Split ``年初预算数（万元）`` into its name and the factor to yuan (10000); 元 or no unit is 1."""
    text = unicodedata.normalize("NFKC", header).strip()
    match = re.match(r"^(.*?)\s*[(\[]\s*(万元|元)\s*[)\]]\s*$", text)
    if match is None:
        return text, Decimal(1)
    return match.group(1).strip(), TEN_THOUSAND if match.group(2) == "万元" else Decimal(1)


def parse_amount(text: str, *, scale: Decimal = Decimal(1), allow_negative: bool = False) -> Decimal:
    """The amount in yuan, exact to the cent, or ``AmountError``.

    ``scale`` is 10000 for a 万元 column. A value with more precision than a cent after scaling
    is refused rather than rounded: 12.345678 万元 is not a whole number of 分.
    """
    raw = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    for mark in _CURRENCY:
        raw = raw.removeprefix(mark).removesuffix(mark)
    if not raw:
        raise AmountError("金额（不能为空）")
    if not _NUMBER.match(raw):
        raise AmountError("数字金额，如 1234.50 或 1,234.50")
    try:
        value = Decimal(raw.replace(",", "")) * scale
    except InvalidOperation:
        raise AmountError("数字金额，如 1234.50 或 1,234.50") from None
    if value < 0 and not allow_negative:
        raise AmountError("不小于 0 的金额")
    if abs(value) >= MAX_AMOUNT:
        raise AmountError("小于 100 万亿元的金额")
    if value != value.quantize(CENT):
        raise AmountError("精确到分的金额（小数位过多）")
    return value.quantize(CENT)


def check_amount(value: Decimal, *, allow_negative: bool = False) -> Decimal:
    """An amount that arrived as a number (from the API or a form) held to the same rules as a
    parsed one: finite, exact to the cent, within the database's range."""
    if not value.is_finite():
        raise AmountError("有限的数字金额")
    if value < 0 and not allow_negative:
        raise AmountError("不小于 0 的金额")
    if abs(value) >= MAX_AMOUNT:
        raise AmountError("小于 100 万亿元的金额")
    if value != value.quantize(CENT):
        raise AmountError("精确到分的金额（小数位过多）")
    return value.quantize(CENT)
