from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import SessionAuth
from ninja.security.http import HttpBearer

from jixiao.accounts.permissions import has_perm


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; ApiTokenMiddleware has already resolved the key, so
    that the request's scope is the token user's before any view runs."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = getattr(request, "api_token", None)
        return api_token.user if api_token is not None else None


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session, with Django's CSRF check on unsafe methods."""


AUTH = [TokenAuth(), BrowserSessionAuth(csrf=True)]


def require(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise HttpError(403, "您没有执行此操作的权限")
