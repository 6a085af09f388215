from typing import Any

from django import forms

from jixiao.org.models import FinanceSection, Phase, Unit, UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label="主管部门", queryset=Unit.objects.none(), required=False, empty_label="（本单位为主管部门）"
    )
    section = forms.ModelChoiceField(
        label="归口业务股室", queryset=FinanceSection.objects.none(), required=False, empty_label="（未设置）"
    )
    active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args: Any, units: Any, sections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units  # type: ignore[attr-defined]
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    name = forms.CharField(label="股室名称", max_length=50)
    duties = forms.CharField(label="职责", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    units = forms.ModelMultipleChoiceField(
        label="归口管理的预算单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label="选择文件（.xlsx、.xls 或 .csv）")


class FiscalYearForm(forms.Form):
    year = forms.IntegerField(label="预算年度", min_value=2000, max_value=2100)


class PhasesForm(forms.Form):
    """A start and an end date per phase."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Phase.choices:
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[f"{value}_start"] = forms.DateField(label=f"{label} 开始", widget=widget)
            self.fields[f"{value}_end"] = forms.DateField(label=f"{label} 截止", widget=widget)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value, label in Phase.choices:
            start, end = data.get(f"{value}_start"), data.get(f"{value}_end")
            if start and end and end < start:
                self.add_error(f"{value}_end", f"「{label}」的截止日期不能早于开始日期")
        return data

    def windows(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {value: (d[f"{value}_start"], d[f"{value}_end"]) for value in Phase.values}

    def phase_rows(self) -> list[tuple[str, Any, Any]]:
        return [(label, self[f"{value}_start"], self[f"{value}_end"]) for value, label in Phase.choices]
