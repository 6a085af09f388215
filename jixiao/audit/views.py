import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.audit.registry import ACTIONS, action_label
from jixiao.audit.selectors import entry_list
from jixiao.org.models import Unit
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.pagination import paginate, querystring_without_page


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="操作人", required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位")
    action = forms.ChoiceField(label="操作", required=False)
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(dt.date(2000, 1, 1)), MaxValueValidator(dt.date(2100, 12, 31))],
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(dt.date(2000, 1, 1)), MaxValueValidator(dt.date(2100, 12, 31))],
    )

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        fields: Any = self.fields
        fields["unit"].queryset = units
        prefixes = sorted({code.rsplit(".", 1)[0] for code in ACTIONS})
        fields["action"].choices = (
            [("", "全部")]
            + [(code, f"{label}（{code}）") for code, label in sorted(ACTIONS.items())]
            + [(f"{p}.", f"{p}.*") for p in prefixes]
        )


@require_perm("audit.view")
def entry_list_view(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    units = Unit.objects.with_scope(region=ctx.region_ids, unit=ctx.unit_ids).order_by("code")
    form = AuditFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = entry_list(
        actor=request.user,
        region_ids=ctx.region_ids,
        user=filters.get("user", ""),
        unit_id=filters["unit"].pk if filters.get("unit") else None,
        action=filters.get("action", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = paginate(request, entries)
    for entry in page:
        entry.label = action_label(entry.action)
    return render(
        request,
        "audit/entry_list.html",
        {"form": form, "page": page, "qs": querystring_without_page(request)},
    )


@require_perm("audit.view")
def object_history(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    """Every entry about one object, oldest first: the object's history."""
    ctx = ctx_of(request)
    entries = entry_list(actor=request.user, region_ids=ctx.region_ids, target_type=target_type, target_id=target_id)
    page = paginate(request, entries.reverse())
    for entry in page:
        entry.label = action_label(entry.action)
    title = next((e.target_repr for e in page), f"{target_type} #{target_id}")
    return render(
        request,
        "audit/object_history.html",
        {"page": page, "title": title, "qs": querystring_without_page(request)},
    )
