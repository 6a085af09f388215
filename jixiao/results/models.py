"""Results application (结果应用): what last years' evaluations mean for next year's budget.

For a budget year the office drafts one recommendation per project of the year before, from the
project's grades (self-evaluation, finance's re-check, key evaluation), its monitoring decisions
and its rectification, under the region's linkage rules (versioned data, ``jixiao.core.linkage``).
Finance accepts each draft or overrides it with a reason; every decision is audited. The
recommendation shows on the project's page and on the next year's project and goal sheet.
"""

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from jixiao.budget.models import Project, money
from jixiao.org.models import FiscalYear, Region, Unit


class Action(models.TextChoices):
    PRIORITY = "priority", "优先保障"
    KEEP = "keep", "保持"
    REDUCE = "reduce", "压减"
    CUT = "cut", "削减或取消"
    AFTER = "after_rectification", "整改完成后安排"
    NONE = "none", "无评价结果，按常规审核"


class Status(models.TextChoices):
    DRAFT = "draft", "待财政确认"
    ACCEPTED = "accepted", "已采纳"
    OVERRIDDEN = "overridden", "已调整"


class LinkageRules(models.Model):
    """A region's grade → budget linkage rules, each save a new version; the shipped defaults
    apply until the office saves its own."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    version = models.CharField("版本", max_length=40)
    data = models.JSONField("规则数据")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "结果应用规则版本"
        verbose_name_plural = "结果应用规则版本"
        ordering = ["region_id", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="linkage_rules_version_unique")]

    def __str__(self) -> str:
        return self.version


class Recommendation(models.Model):
    """The budget recommendation for one project in ``budget_year``, drafted from the results
    known when it was drafted, with finance's decision on it."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    budget_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, verbose_name="项目（上年度）", on_delete=models.PROTECT, related_name="recommendations"
    )
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("项目代码", max_length=21)
    base = money("上年预算数（元）")
    grade = models.CharField("依据等级", max_length=2, blank=True)
    action = models.CharField("建议", max_length=24, choices=Action.choices)
    label = models.CharField("建议表述", max_length=60)
    cut = models.DecimalField("压减比例（%）", max_digits=5, decimal_places=2)
    amount = money("建议安排数（元）")
    conditional = models.BooleanField("整改完成后安排", default=False)
    reasons = models.JSONField("依据")
    rules_version = models.CharField("规则版本", max_length=40)
    drafted_at = models.DateTimeField("生成时间")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    final_action = models.CharField("财政确定的意见", max_length=24, choices=Action.choices, blank=True)
    final_amount = money("财政确定的安排数（元）", null=True, blank=True)
    decision_note = models.TextField("调整理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "结果应用建议"
        verbose_name_plural = "结果应用建议"
        ordering = ["unit__code", "code"]
        constraints = [models.UniqueConstraint(fields=["budget_year", "code"], name="recommendation_once_per_project")]
        indexes = [models.Index(fields=["budget_year", "status"]), models.Index(fields=["code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
