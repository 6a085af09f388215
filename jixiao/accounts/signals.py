"""Login and logout leave an audit entry whichever way they happen (the login page, the
idle timeout, or any later door that calls Django's login and logout)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from jixiao.audit.services import log_action


@receiver(user_logged_in, dispatch_uid="jixiao_audit_login")
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_action(actor=user, action="accounts.login", target=user)


@receiver(user_logged_out, dispatch_uid="jixiao_audit_logout")
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The idle-timeout middleware marks its logouts so that they read as such, in one entry.
    if user is not None:
        action = getattr(request, "jx_logout_action", "accounts.logout")
        log_action(actor=user, action=action, target=user)
