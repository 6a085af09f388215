import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from jixiao.accounts.models import ApiToken, hash_token
from jixiao.accounts.permissions import actor_context
from jixiao.audit.services import current_ip

Handler = Callable[[HttpRequest], HttpResponse]
_API_PREFIX = "/api/"
_LAST_SEEN = "jx_last_seen"


def client_ip(request: HttpRequest) -> str | None:
    # Behind the bureau's reverse proxy, which must overwrite (not append to) the header.
    if settings.SECURE and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class ApiTokenMiddleware:
    """``Authorization: Bearer <key>`` on /api/ acts as the token's user, with its permissions.

    It runs before the scope is set so that a system calling the API is scoped exactly like
    the person whose token it uses.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path.startswith(_API_PREFIX) and header.startswith("Bearer "):
            key = header.removeprefix("Bearer ").strip()
            token = (
                ApiToken.objects.select_related("user")
                .filter(key_hash=hash_token(key), revoked__isnull=True, user__is_active=True)
                .first()
            )
            if token is not None:
                now = timezone.now()
                if token.last_used is None or now - token.last_used > dt.timedelta(minutes=1):
                    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
                request.user = token.user
                request.api_token = token  # type: ignore[attr-defined]
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """等保 三级: a session idle for IDLE_TIMEOUT_MINUTES ends, and the user logs in again."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.api_token is None:  # type: ignore[attr-defined]
            now = timezone.now().timestamp()
            last = request.session.get(_LAST_SEEN)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                token = current_ip.set(client_ip(request))
                request.jx_logout_action = "accounts.session_expired"  # type: ignore[attr-defined]
                try:
                    logout(request)
                finally:
                    current_ip.reset(token)
                messages.info(request, f"您已超过 {settings.IDLE_TIMEOUT_MINUTES} 分钟未操作，请重新登录。")
                if request.path.startswith(_API_PREFIX):
                    return JsonResponse({"detail": "会话已超时，请重新登录"}, status=401)
                return redirect_to_login(request.get_full_path())
            request.session[_LAST_SEEN] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account created or reset by an administrator must set its own password first."""

    allowed_names = ("password_change", "logout", "login")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = [reverse(n) for n in self.allowed_names]
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith(_API_PREFIX):
                    return JsonResponse({"detail": "请先登录网页修改初始密码"}, status=403)
                return redirect("password_change")
        return self.get_response(request)


class ScopeMiddleware:
    """Works out the actor's region, fiscal year and units once, and activates the scope:
    every scoped query in the request is filtered to them, and one outside a scope fails."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        ctx = actor_context(
            request.user,
            region_id=session.get("jx_region"),
            year=session.get("jx_year"),
            today_year=timezone.localdate().year,
        )
        request.jx = ctx  # type: ignore[attr-defined]
        token = current_ip.set(client_ip(request))
        try:
            with scope(region=ctx.region_ids, unit=ctx.unit_ids):
                return self.get_response(request)
        finally:
            current_ip.reset(token)
