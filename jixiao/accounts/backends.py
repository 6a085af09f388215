from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from jixiao.accounts.models import User
from jixiao.accounts.services import login_failed, login_succeeded


class LockoutBackend(ModelBackend):
    """Username and password, with 等保 三级 lockout: LOCKOUT_ATTEMPTS failures in a row lock the
    account for LOCKOUT_MINUTES. A locked account is refused even with the right password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            # Hash anyway so that response time does not reveal which usernames exist.
            User().set_password(password)
            login_failed(user=None, username=username, request=request)
            return None
        if user.is_locked():
            login_failed(user=user, username=username, request=request, already_locked=True)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_succeeded(user=user)
            return user
        login_failed(user=user, username=username, request=request)
        return None
