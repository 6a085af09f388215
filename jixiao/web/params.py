"""Reading the small values pages receive in query strings and forms: an id, a date. A value
that is not one is ``None`` (an id: the filter is simply not applied) or a ``DomainError`` in
Chinese naming the field (a date the person typed)."""

import datetime as dt

from jixiao.core.errors import DomainError


def int_param(value: str | None) -> int | None:
    """A positive whole number of at most nine ASCII digits (ids, years), else ``None``."""
    return int(value) if value and value.isascii() and value.isdecimal() and len(value) < 10 else None


def date_param(value: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(f"{label}「{value}」不是 YYYY-MM-DD 格式的日期") from None
