from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from jixiao.budget.models import ProjectCategory
from jixiao.org.models import Region, Unit


class Status(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    APPROVED = "approved", "已入库"
    RETIRED = "retired", "已停用"


class Direction(models.TextChoices):
    POSITIVE = "positive", "正向"
    NEGATIVE = "negative", "反向"
    EQUAL = "equal", "等于"
    QUALITATIVE = "qualitative", "定性"


class Scope(models.TextChoices):
    COMMON = "common", "共性指标"
    SPECIFIC = "specific", "个性指标"


class Layout(models.TextChoices):
    COST_AS_LEVEL1 = "cost_as_level1", "成本指标单列为一级指标（财预〔2021〕101号）"
    COST_UNDER_OUTPUT = "cost_under_output", "成本指标作为产出指标的二级指标"


class LibrarySettings(models.Model):
    """How the region lays out its indicator taxonomy (DOMAIN.md §5.2)."""

    region = models.OneToOneField(Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+")
    layout = models.CharField("指标体系", max_length=30, choices=Layout.choices, default=Layout.COST_AS_LEVEL1)

    class Meta:
        verbose_name = "指标库设置"
        verbose_name_plural = "指标库设置"

    def __str__(self) -> str:
        return self.get_layout_display()


class LibraryIndicator(models.Model):
    """One indicator (三级指标) of the region's library, with what makes it measurable."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("指标编码", max_length=20)
    name = models.CharField("指标名称（三级指标）", max_length=100)
    level1 = models.CharField("一级指标", max_length=20)
    level2 = models.CharField("二级指标", max_length=20)
    definition = models.TextField("指标解释")
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    direction = models.CharField("指标方向", max_length=20, choices=Direction.choices)
    symbols = models.JSONField("可用符号", default=list)
    levels = models.JSONField("定性分级", default=list, blank=True)
    typical_low = models.DecimalField("常见目标值下限", max_digits=16, decimal_places=4, null=True, blank=True)
    typical_high = models.DecimalField("常见目标值上限", max_digits=16, decimal_places=4, null=True, blank=True)
    basis = models.CharField("取值依据", max_length=10)
    data_source = models.CharField("数据来源", max_length=200, blank=True)
    evidence = models.CharField("佐证材料", max_length=200, blank=True)
    categories = models.ManyToManyField(
        ProjectCategory, verbose_name="适用项目类别", blank=True, related_name="indicators"
    )
    keywords = models.JSONField("关键词", default=list, blank=True)
    scope = models.CharField("指标类型", max_length=10, choices=Scope.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.APPROVED)
    version = models.PositiveIntegerField("版本", default=1)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提议人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_unit = models.ForeignKey(
        Unit,
        verbose_name="提议单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_indicators",
    )
    proposal_note = models.TextField("提议说明", blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入指标", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    review_comment = models.TextField("审核意见", blank=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "指标库指标"
        verbose_name_plural = "指标库指标"
        ordering = ["region", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="library_code_unique")]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def typical(self) -> str:
        if self.direction == Direction.QUALITATIVE:
            return "、".join(self.levels)
        if self.typical_low is None:
            return ""
        low, high = self.typical_low.normalize(), (self.typical_high or self.typical_low).normalize()
        span = f"{low:f}" if low == high else f"{low:f}–{high:f}"
        return f"{span} {self.measure_unit}".strip()


class LibraryIndicatorVersion(models.Model):
    """The indicator as it stood at each version: approvals and edits never lose the past."""

    indicator = models.ForeignKey(
        LibraryIndicator, verbose_name="指标", on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField("版本")
    data = models.JSONField("内容")
    note = models.CharField("说明", max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标版本"
        verbose_name_plural = "指标版本"
        ordering = ["indicator", "-version"]
        constraints = [models.UniqueConstraint(fields=["indicator", "version"], name="library_version_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.version}"
