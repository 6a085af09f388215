"""Money and score arithmetic: Decimal only, one rounding rule.

Amounts are stored in yuan (元); tables shown to people use 万元 with two decimals.
"""

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round half up (四舍五入), the rule Chinese finance tables use; never banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def yuan_to_wan(yuan: Decimal) -> Decimal:
    """元 → 万元 with two decimals, as the budget tables print them."""
    return round_half_up(yuan / TEN_THOUSAND)


def wan_to_yuan(wan: Decimal) -> Decimal:
    """万元 → 元, exactly (no rounding: a 万元 figure with 6 decimals is a whole number of 分)."""
    return wan * TEN_THOUSAND
