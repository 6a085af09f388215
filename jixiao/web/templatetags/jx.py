import json
from decimal import Decimal
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from jixiao.core.money import yuan_to_wan

register = template.Library()


@register.filter
def bs(field: forms.BoundField) -> SafeString:
    """Render a form field's widget with the Bootstrap class its kind needs."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = ""
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css} if css else None)


@register.filter
def wan(value: Any) -> str:
    """元 → 万元 with two decimals, as budget tables print amounts."""
    if value in (None, ""):
        return ""
    return f"{yuan_to_wan(Decimal(value)):,.2f}"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def json_text(value: Any) -> str:
    """An audit entry's details as readable JSON (Chinese shown as Chinese)."""
    if value in (None, "", {}):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def rate(part: Any, whole: Any) -> str:
    """``part / whole`` as a percentage with two decimals (执行率), or "—" without a base."""
    if not whole:
        return "—"
    from jixiao.core.money import round_half_up

    return f"{round_half_up(Decimal(part or 0) * 100 / Decimal(whole))}%"


@register.filter
def percent(value: Any) -> str:
    """A fraction (0.452) as a percentage with one decimal (45.2%), or "—" when there is none."""
    if value in (None, ""):
        return "—"
    from jixiao.core.money import round_half_up

    return f"{round_half_up(Decimal(value) * 100, 1)}%"
