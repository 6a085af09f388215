from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from jixiao.accounts.permissions import ActorContext, has_perm

View = Callable[..., HttpResponse]


def require_perm(perm: str | None) -> Callable[[View], View]:
    """Anonymous → login page; logged in without ``perm`` → 403. ``None``: any logged-in user.

    The permission is recorded on the view so the permission-matrix test can read it.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if perm is not None and not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def ctx_of(request: HttpRequest) -> ActorContext:
    """The region, fiscal year and units the middleware worked out for this request."""
    return cast(ActorContext, request.jx)  # type: ignore[attr-defined]
