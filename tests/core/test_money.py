from decimal import Decimal

import pytest

from jixiao.core.money import round_half_up, wan_to_yuan, yuan_to_wan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.345", "2.35"),
        ("2.335", "2.34"),
        ("-2.345", "-2.35"),
        ("0.005", "0.01"),
        ("98.855", "98.86"),
    ],
)
def test_round_half_up_never_rounds_to_even(value: str, expected: str) -> None:
    assert round_half_up(Decimal(value)) == Decimal(expected)


def test_yuan_and_wan() -> None:
    assert yuan_to_wan(Decimal("1234567.89")) == Decimal("123.46")
    assert wan_to_yuan(Decimal("123.456789")) == Decimal("1234567.89")
