"""Rectification (整改): a problem finance found — in a self-evaluation's review or re-check, in a
monitoring decision, in a key evaluation — that the unit must fix by a date, with the unit's
account of what it did, its evidence, and finance's confirmation.

An item is open until the unit answers, then waits for finance, who closes it or sends it back.
Overdue items show on the home page of everyone who can see them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from jixiao.budget.models import Project
from jixiao.evaluation.models import SelfEval
from jixiao.keyeval.models import Evaluation
from jixiao.monitoring.models import Decision
from jixiao.org.models import Region, Unit


class Source(models.TextChoices):
    SELFEVAL = "selfeval", "绩效自评审核与复核"
    MONITORING = "monitoring", "运行监控处理决定"
    EVALUATION = "evaluation", "财政重点评价"
    OTHER = "other", "其他检查"


class Status(models.TextChoices):
    OPEN = "open", "待整改"
    ANSWERED = "answered", "待财政确认"
    CLOSED = "closed", "已整改"


class Item(models.Model):
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, null=True, blank=True, related_name="rectifications"
    )
    source = models.CharField("问题来源", max_length=20, choices=Source.choices)
    selfeval = models.ForeignKey(
        SelfEval, verbose_name="自评表", on_delete=models.PROTECT, null=True, blank=True, related_name="rectifications"
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name="监控处理决定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name="财政重点评价",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    problem = models.TextField("发现的问题")
    requirement = models.TextField("整改要求")
    due = models.DateField("整改期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    response = models.TextField("整改情况", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    responded_at = models.DateTimeField("反馈时间", null=True, blank=True)
    review_note = models.TextField("财政意见", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField("确认时间", null=True, blank=True)
    rounds = models.PositiveSmallIntegerField("退回次数", default=0)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["due", "-id"]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_source_display()} 整改"

    @property
    def overdue(self) -> bool:
        """Not answered by its deadline."""
        return self.status == Status.OPEN and timezone.localdate() > self.due

    @property
    def late(self) -> bool:
        return self.responded_at is not None and timezone.localdate(self.responded_at) > self.due


class Evidence(models.Model):
    item = models.ForeignKey(Item, verbose_name="整改事项", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="rectification/%Y/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改佐证材料"
        verbose_name_plural = "整改佐证材料"
        ordering = ["item", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
