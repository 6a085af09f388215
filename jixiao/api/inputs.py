"""Bounded input for the API's schemas, shared by every router.

Pydantic's own messages are English; these say in Chinese what was expected (a 422 that names
the field), and the services then apply the business rules (a 400).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from ninja import Field
from ninja.errors import HttpError
from pydantic import AfterValidator, BeforeValidator

from jixiao.core.numbers import AmountError, check_amount, parse_amount

MAX_TEXT = 2000  # the services' limit for a free-text field (monitoring, evaluation)


def _yuan(value: Any) -> Any:
    """An amount in yuan from JSON, as a string (``"1,234.50"``, full-width digits) or a number:
    finite, not negative, below a hundred trillion, exact to the cent."""
    try:
        if isinstance(value, str):
            return parse_amount(value)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise AmountError('数字金额，如 "1234.50"')
        return check_amount(Decimal(str(value)))
    except AmountError as e:
        raise ValueError(f"金额应为{e.expected}") from None
    except InvalidOperation:
        raise ValueError('金额应为数字金额，如 "1234.50"') from None


def _day(value: Any) -> Any:
    """A date as ``YYYY-MM-DD``."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"日期应为 YYYY-MM-DD 格式，收到「{value[:20]}」") from None
    return value


def at_most(limit: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if len(value) > limit:
            noun = "字" if isinstance(value, str) else "项"
            raise ValueError(f"不超过 {limit} {noun}，收到 {len(value)} {noun}")
        return value

    return check


Yuan = Annotated[Decimal, BeforeValidator(_yuan), Field(description='金额（元），如 "1234.50"')]
Day = Annotated[dt.date, BeforeValidator(_day)]
Word = Annotated[str, AfterValidator(at_most(20)), Field(json_schema_extra={"maxLength": 20})]
Title = Annotated[str, AfterValidator(at_most(100)), Field(json_schema_extra={"maxLength": 100})]
Text = Annotated[str, AfterValidator(at_most(MAX_TEXT)), Field(json_schema_extra={"maxLength": MAX_TEXT})]
LongText = Annotated[str, AfterValidator(at_most(5000)), Field(json_schema_extra={"maxLength": 5000})]


def choice(value: str, allowed: list[str] | tuple[str, ...], name: str) -> str:
    """``value`` when it is one of ``allowed`` (or empty), else a 400 naming the parameter."""
    if value and value not in allowed:
        raise HttpError(400, f"{name} 应为 {'、'.join(allowed)} 之一，收到「{value[:20]}」")
    return value
