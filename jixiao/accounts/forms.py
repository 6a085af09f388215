from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from jixiao.accounts.models import User
from jixiao.core.access import ROLE_LABELS, Role
from jixiao.org.models import FinanceSection, Region, Unit


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，或账户已被锁定。连续输错 %(attempts)s 次的账户将锁定 %(minutes)s 分钟，"
        "锁定期间即使密码正确也无法登录，可稍后再试或请系统管理员解锁。",
        "inactive": "该账户已停用，请联系系统管理员。",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"

    def get_invalid_login_error(self) -> forms.ValidationError:
        from django.conf import settings

        # A locked account gets the same answer as a wrong password, so that the answer does not
        # tell which usernames exist; the message says what locking means.
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"attempts": settings.LOCKOUT_ATTEMPTS, "minutes": settings.LOCKOUT_MINUTES},
        )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(
        label="再次输入新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class UserForm(forms.Form):
    """Account fields for the administrator; the service validates placement and password."""

    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    role = forms.ChoiceField(label="角色", choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.none())
    unit = forms.ModelChoiceField(
        label="所在单位（填报人、单位负责人必填）",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（不属于预算单位）",
    )
    section = forms.ModelChoiceField(
        label="所在股室（业务股室审核人必填）",
        queryset=FinanceSection.objects.none(),
        required=False,
        empty_label="（不属于业务股室）",
    )
    organization = forms.CharField(label="所在机构（第三方机构人员填写）", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(
        label="初始密码（首次登录须修改）",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        regions: list[Region],
        units: Any,
        sections: Any,
        editing: User | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions])  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]
        if editing is not None:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label="临时密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class TokenForm(forms.Form):
    name = forms.CharField(label="用途（如：一体化系统数据推送）", max_length=100)
