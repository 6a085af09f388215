"""Writes to accounts: each checks its permission, validates, writes in one transaction and
leaves one audit entry."""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jixiao.accounts.models import ApiToken, User, hash_token
from jixiao.accounts.permissions import ensure_perm, region_ids_for
from jixiao.audit.services import log_action
from jixiao.core.access import ROLE_LABELS, SECTION_ROLES, UNIT_ROLES, Role
from jixiao.core.errors import DomainError, Forbidden
from jixiao.org.models import FinanceSection, Region, Unit

# --- login ---------------------------------------------------------------------------------


def login_failed(*, user: User | None, username: str, request: Any, already_locked: bool = False) -> None:
    """Count a failed login; the LOCKOUT_ATTEMPTS-th failure in a row locks the account."""
    with transaction.atomic():
        data: dict[str, Any] = {"username": username[:150]}
        if user is not None and not already_locked:
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            if user.failed_logins >= settings.LOCKOUT_ATTEMPTS:
                user.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
                user.failed_logins = 0
                user.save(update_fields=["locked_until", "failed_logins"])
                data["locked_until"] = user.locked_until.isoformat()
            else:
                data["attempts"] = user.failed_logins
        elif already_locked:
            data["reason"] = "locked"
        else:
            data["reason"] = "unknown_user"
        log_action(
            actor=None,
            actor_name=username[:150],
            action="accounts.login_failed",
            target=user,
            data=data,
        )


def login_succeeded(*, user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


# --- accounts -----------------------------------------------------------------------------


def _check_placement(*, role: str, region: Region | None, unit: Unit | None, section: FinanceSection | None) -> None:
    try:
        role_enum = Role(role)
    except ValueError:
        raise DomainError(f"未知角色「{role}」", field="role") from None
    if region is None:
        raise DomainError("请选择用户所属的行政区划", field="region")
    if role_enum in UNIT_ROLES and unit is None:
        raise DomainError(f"「{ROLE_LABELS[role_enum]}」必须选择所在单位", field="unit")
    if role_enum not in UNIT_ROLES and unit is not None:
        raise DomainError(f"「{ROLE_LABELS[role_enum]}」不属于预算单位，请清空所在单位", field="unit")
    if role_enum in SECTION_ROLES and section is None:
        raise DomainError(f"「{ROLE_LABELS[role_enum]}」必须选择所在股室", field="section")
    if role_enum not in SECTION_ROLES and section is not None:
        raise DomainError(f"「{ROLE_LABELS[role_enum]}」不属于业务股室，请清空所在股室", field="section")
    if unit is not None and unit.region_id != region.pk:
        raise DomainError("所在单位不属于所选行政区划", field="unit")
    if section is not None and section.region_id != region.pk:
        raise DomainError("所在股室不属于所选行政区划", field="section")


_USERNAME = UnicodeUsernameValidator()


def _check_text(value: str, *, label: str, field: str, max_length: int, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > max_length:
        raise DomainError(f"{label}不能超过 {max_length} 个字", field=field)
    return value


def _check_person(*, full_name: str, organization: str, phone: str) -> tuple[str, str, str]:
    return (
        _check_text(full_name, label="姓名", field="full_name", max_length=50, required=True),
        _check_text(organization, label="所在机构", field="organization", max_length=100),
        _check_text(phone, label="联系电话", field="phone", max_length=30),
    )


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from None


def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    role: str,
    region: Region | None,
    password: str,
    unit: Unit | None = None,
    section: FinanceSection | None = None,
    organization: str = "",
    phone: str = "",
    must_change_password: bool = True,
) -> User:
    """Create an account. Unless told otherwise, its first login must change the password."""
    ensure_perm(actor, "accounts.manage")
    if region is not None and region.pk not in _actor_region_ids(actor):
        raise Forbidden("不能在本人管辖区划以外创建用户")
    _check_placement(role=role, region=region, unit=unit, section=section)
    # The login form normalises what is typed (NFKC); the stored name must match it.
    username = User.normalize_username(
        _check_text(username, label="用户名", field="username", max_length=150, required=True)
    )
    try:
        _USERNAME(username)
    except ValidationError:
        raise DomainError("用户名只能包含字母、数字和 @ . + - _ 字符", field="username") from None
    full_name, organization, phone = _check_person(full_name=full_name, organization=organization, phone=phone)
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名「{username}」已被使用", field="username")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        region=region,
        unit=unit,
        section=section,
        organization=organization,
        phone=phone,
        must_change_password=must_change_password,
    )
    _check_password(password, user)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.save()
            log_action(actor=actor, action="accounts.user.created", target=user, data={"role": role})
    except IntegrityError:
        # A double submit raced the check above.
        raise DomainError(f"用户名「{username}」已被使用", field="username") from None
    return user


def user_update(
    *,
    actor: Any,
    user: User,
    full_name: str,
    role: str,
    region: Region | None,
    unit: Unit | None,
    section: FinanceSection | None,
    organization: str,
    phone: str,
    is_active: bool,
) -> User:
    _ensure_manages(actor, user)
    if region is not None and region.pk not in _actor_region_ids(actor):
        raise Forbidden("不能把用户调整到本人管辖区划以外")
    _check_placement(role=role, region=region, unit=unit, section=section)
    if user.pk == actor.pk and not is_active:
        raise DomainError("不能停用本人账户", field="is_active")
    if user.pk == actor.pk and role != actor.role:
        raise DomainError("不能修改本人角色", field="role")
    full_name, organization, phone = _check_person(full_name=full_name, organization=organization, phone=phone)
    new = {
        "full_name": full_name,
        "role": role,
        "region_id": region.pk if region else None,
        "unit_id": unit.pk if unit else None,
        "section_id": section.pk if section else None,
        "organization": organization,
        "phone": phone,
        "is_active": is_active,
    }
    changed = {k: [getattr(user, k), v] for k, v in new.items() if getattr(user, k) != v}
    if not changed:
        return user
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for key, (_, value) in changed.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(changed))
        log_action(actor=actor, action="accounts.user.updated", target=locked, data={"changed": changed})
    return locked


def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a temporary password; the user must change it at next login."""
    _ensure_manages(actor, user)
    if user.pk == actor.pk:
        raise DomainError("不能重置本人密码，请通过「修改密码」并输入原密码", field="password")
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.failed_logins, user.locked_until = 0, None
        user.save(
            update_fields=[
                "password",
                "must_change_password",
                "password_changed_at",
                "failed_logins",
                "locked_until",
            ]
        )
        log_action(actor=actor, action="accounts.user.password_reset", target=user)
    return user


def user_unlock(*, actor: Any, user: User) -> User:
    _ensure_manages(actor, user)
    if not user.is_locked():
        raise DomainError("该用户当前未被锁定")
    with transaction.atomic():
        user.locked_until, user.failed_logins = None, 0
        user.save(update_fields=["locked_until", "failed_logins"])
        log_action(actor=actor, action="accounts.user.unlocked", target=user)
    return user


def password_change_own(*, actor: User, old_password: str, new_password: str) -> User:
    if not actor.check_password(old_password):
        raise DomainError("原密码不正确", field="old_password")
    if old_password == new_password:
        raise DomainError("新密码不能与原密码相同", field="new_password")
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="new_password") from None
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.password_changed_at = timezone.now()
        actor.save(update_fields=["password", "must_change_password", "password_changed_at"])
        log_action(actor=actor, action="accounts.password_changed", target=actor)
    return actor


def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for the actor. The key is returned once and never stored."""
    if not actor.is_authenticated or not actor.is_active:
        raise Forbidden("您没有执行此操作的权限")
    name = name.strip()
    if not name:
        raise DomainError("请填写令牌用途", field="name")
    key = "jx_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name[:100], prefix=key[:8], key_hash=hash_token(key))
        log_action(
            actor=actor,
            action="accounts.token.created",
            target=actor,
            data={"prefix": token.prefix, "name": token.name},
        )
    return token, key


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise Forbidden("只能吊销本人的令牌")
    if token.revoked is not None:
        raise DomainError("该令牌已被吊销")
    with transaction.atomic():
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
        log_action(actor=actor, action="accounts.token.revoked", target=actor, data={"prefix": token.prefix})
    return token


def _actor_region_ids(actor: Any) -> list[int]:
    return region_ids_for(actor)


def _ensure_manages(actor: Any, user: User) -> None:
    # Accounts are placed by region, not by unit reach: the administrator sees no unit's
    # business data but manages every account of its regions.
    ensure_perm(actor, "accounts.manage")
    if user.region_id is not None and user.region_id not in _actor_region_ids(actor):
        raise Forbidden("该用户不在本人管辖区划内")
