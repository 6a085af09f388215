from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts import selectors, services
from jixiao.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
    TokenForm,
    UserForm,
)
from jixiao.accounts.models import User
from jixiao.core.access import PERMISSIONS, ROLE_LABELS, ROLE_PERMISSIONS, Role
from jixiao.core.errors import DomainError
from jixiao.org.models import FinanceSection, Unit
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.forms import add_domain_error
from jixiao.web.pagination import paginate, querystring_without_page


class JixiaoLoginView(LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "lockout_attempts": settings.LOCKOUT_ATTEMPTS,
            "lockout_minutes": settings.LOCKOUT_MINUTES,
            "idle_minutes": settings.IDLE_TIMEOUT_MINUTES,
        }


@require_perm(None)
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change_own(
                actor=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})


@require_perm(None)
def profile(request: HttpRequest) -> HttpResponse:
    new_key = request.session.pop("jx_new_token_key", None)
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": selectors.token_list(actor=request.user),
            "form": TokenForm(),
            "new_key": new_key,
            "my_permissions": [(p, PERMISSIONS[p]) for p in sorted(getattr(request.user, "permissions", ()))],
        },
    )


@require_POST
@require_perm(None)
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _, key = services.token_create(actor=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            # Shown once on the next page, then gone: only its hash is stored.
            request.session["jx_new_token_key"] = key
            messages.success(request, "API 令牌已创建，请立即复制保存，离开本页后将无法再次查看。")
    else:
        messages.error(request, "请填写令牌用途。")
    return redirect("accounts:profile")


@require_POST
@require_perm(None)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(actor=request.user, pk=pk)
    try:
        services.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"令牌「{token.name}」已吊销。")
    return redirect("accounts:profile")


@require_perm("accounts.view")
def user_list(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = selectors.user_list(actor=request.user, ctx=ctx, q=q, role=role)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": paginate(request, users),
            "q": q,
            "role": role,
            "roles": [(r.value, ROLE_LABELS[r]) for r in Role],
            "qs": querystring_without_page(request),
            "role_table": [(ROLE_LABELS[r], [PERMISSIONS[p] for p in sorted(ROLE_PERMISSIONS[r])]) for r in Role],
        },
    )


@require_perm("accounts.view")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    account = selectors.user_get(actor=request.user, ctx=ctx, pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"account": account, "reset_form": ResetPasswordForm()},
    )


def _user_form(request: HttpRequest, editing: User | None = None) -> UserForm:
    ctx = ctx_of(request)
    initial = {}
    if editing is not None:
        initial = {
            "username": editing.username,
            "full_name": editing.full_name,
            "role": editing.role,
            "region": editing.region_id,
            "unit": editing.unit_id,
            "section": editing.section_id,
            "organization": editing.organization,
            "phone": editing.phone,
            "is_active": editing.is_active,
        }
    else:
        initial = {"region": ctx.region.pk if ctx.region else None}
    return UserForm(
        request.POST or None,
        initial=initial,
        regions=ctx.regions,
        units=Unit.objects.with_scope(region=[r.pk for r in ctx.regions], unit=None).order_by("code"),
        sections=FinanceSection.objects.with_scope(region=[r.pk for r in ctx.regions]).all(),
        editing=editing,
    )


@require_perm("accounts.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    form = _user_form(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user,
                username=d["username"],
                full_name=d["full_name"],
                role=d["role"],
                region=d["region"],
                unit=d["unit"],
                section=d["section"],
                organization=d["organization"],
                phone=d["phone"],
                password=d["password"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"用户「{account}」已创建，首次登录须修改密码。")
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@require_perm("accounts.manage")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    account = selectors.user_get(actor=request.user, ctx=ctx, pk=pk)
    form = _user_form(request, editing=account)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=account,
                full_name=d["full_name"],
                role=d["role"],
                region=d["region"],
                unit=d["unit"],
                section=d["section"],
                organization=d["organization"],
                phone=d["phone"],
                is_active=d["is_active"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "用户信息已保存。")
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@require_POST
@require_perm("accounts.manage")
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    account = selectors.user_get(actor=request.user, ctx=ctx, pk=pk)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_reset_password(actor=request.user, user=account, password=form.cleaned_data["password"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "密码已重置，该用户下次登录须修改密码。")
    else:
        messages.error(request, "请填写临时密码。")
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@require_perm("accounts.manage")
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = ctx_of(request)
    account = selectors.user_get(actor=request.user, ctx=ctx, pk=pk)
    try:
        services.user_unlock(actor=request.user, user=account)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已解除锁定。")
    return redirect("accounts:user_detail", pk=account.pk)
