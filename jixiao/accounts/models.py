import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from jixiao.core.access import ROLE_LABELS, Role, role_permissions


class User(AbstractUser):
    """A person's account. One role per account: 三员分立 wants separate accounts anyway."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField("姓名", max_length=50)
    role = models.CharField("角色", max_length=20, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    region = models.ForeignKey(
        "org.Region",
        verbose_name="行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    section = models.ForeignKey(
        "org.FinanceSection",
        verbose_name="所在股室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organization = models.CharField("所在机构", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        try:
            return ROLE_LABELS[Role(self.role)]
        except ValueError:
            return self.role

    @property
    def permissions(self) -> frozenset[str]:
        return role_permissions(self.role) if self.is_active else frozenset()

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A token for system-to-system calls, acting as its user with the user's permissions.

    Only the SHA-256 of the key is stored; the key is shown once when created.
    """

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"
