import datetime as dt

import pytest

from jixiao.core.errors import DomainError
from jixiao.web.params import date_param, int_param


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("", None),
        (None, None),
        ("-1", None),
        ("\uff11\uff12", None),
        ("1.5", None),
        ("1234567890", None),
    ],
)
def test_int_param_reads_ascii_ids_only(value: str | None, expected: int | None) -> None:
    assert int_param(value) == expected


def test_date_param_names_the_field() -> None:
    assert date_param(" 2027-03-31 ", "整改期限") == dt.date(2027, 3, 31)
    with pytest.raises(DomainError, match="整改期限「2027/3/31」不是 YYYY-MM-DD 格式的日期"):
        date_param("2027/3/31", "整改期限")
