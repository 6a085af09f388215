from decimal import Decimal

import pytest

from jixiao.core.numbers import AmountError, header_scale, parse_amount


@pytest.mark.parametrize(
    ("text", "scale", "expected"),
    [
        ("1234.5", 1, "1234.50"),
        ("1,234.50", 1, "1234.50"),
        ("\uff11\uff12\uff13\uff14\uff0e\uff15", 1, "1234.50"),
        ("¥1,234,567", 1, "1234567.00"),
        (" 12.345678 ", 10000, "123456.78"),
        ("0", 10000, "0.00"),
        ("3万", 1, None),
    ],
)
def test_amounts(text: str, scale: int, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(AmountError):
            parse_amount(text, scale=Decimal(scale))
    else:
        assert parse_amount(text, scale=Decimal(scale)) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,23.4", "12.3.4", "1.001", "-5", "1e5", "12.3456789"])
def test_bad_amounts_are_refused_not_guessed(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, scale=Decimal(10000) if text == "12.3456789" else Decimal(1))


def test_negative_only_when_allowed() -> None:
    assert parse_amount("-1,000", allow_negative=True) == Decimal("-1000.00")


def test_headers_say_the_unit() -> None:
    assert header_scale("年初预算数（万元）") == ("年初预算数", Decimal(10000))
    assert header_scale("年初预算数(元)") == ("年初预算数", Decimal(1))
    assert header_scale("支付金额") == ("支付金额", Decimal(1))
