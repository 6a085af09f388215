from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    """The audit log is append-only: entries are never changed or deleted."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("操作日志只能追加，不能删除")

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("操作日志只能追加，不能修改")


class AuditEntry(models.Model):
    """One change of state, login, logout or failed login. Model: pretix base/models/log.py."""

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too: the entry must still read right if the account is renamed.
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作代码", max_length=100, db_index=True)
    target_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=300, blank=True)
    region = models.ForeignKey("org.Region", verbose_name="行政区划", null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="预算单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField("详情", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("操作日志只能追加，不能修改")
        super().save(*args, **kwargs)  # type: ignore[arg-type,unused-ignore]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("操作日志只能追加，不能删除")
