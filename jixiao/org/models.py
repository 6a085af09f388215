from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django_scopes import ScopedManager

# 行政区划代码: six digits (GB/T 2260); 财政区划 may extend it to nine.
region_code_validator = RegexValidator(r"^\d{6}(\d{3})?$", "行政区划代码应为 6 位或 9 位数字")
# 单位编码 as the integrated budget system exports it (agency_code, up to 21 characters).
UNIT_CODE_PATTERN = r"^[0-9A-Za-z]{1,21}$"
unit_code_validator = RegexValidator(UNIT_CODE_PATTERN, "单位编码应为 1–21 位数字或字母")


class Region(models.Model):
    code = models.CharField("行政区划代码", max_length=9, unique=True, validators=[region_code_validator])
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Phase(models.TextChoices):
    GOALS = "goals", "目标编报"
    APPROVAL = "approval", "目标批复"
    MONITORING = "monitoring", "运行监控"
    SELF_EVALUATION = "self_evaluation", "绩效自评"
    DISCLOSURE = "disclosure", "信息公开"


class FiscalYear(models.Model):
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="fiscal_years")
    year = models.PositiveSmallIntegerField("预算年度")

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "预算年度"
        verbose_name_plural = "预算年度"
        ordering = ["region", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="fiscal_year_unique")]

    def __str__(self) -> str:
        return f"{self.year} 年度"


class PhaseWindow(models.Model):
    """When one phase of a fiscal year is open. The dates come from the bureau's own notices
    (渌财通〔2022〕22号 for goals, 〔2023〕20号 for monitoring ...), so they are data."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="预算年度", on_delete=models.CASCADE, related_name="phases"
    )
    phase = models.CharField("阶段", max_length=20, choices=Phase.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")

    class Meta:
        verbose_name = "阶段时间"
        verbose_name_plural = "阶段时间"
        ordering = ["starts_on", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "phase"], name="phase_window_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_window_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.starts_on}—{self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "截止日期不能早于开始日期"})


class FinanceSection(models.Model):
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="sections")
    name = models.CharField("股室名称", max_length=50)
    duties = models.CharField("职责", max_length=300, blank=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "业务股室"
        verbose_name_plural = "业务股室"
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="section_name_unique")]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", "行政"
    INSTITUTION = "institution", "事业"
    TOWNSHIP = "township", "乡镇"
    OTHER = "other", "其他"


class Unit(models.Model):
    """A budget unit (预算单位). ``parent`` is its 主管部门; a top-level unit is one."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="units")
    code = models.CharField("单位编码", max_length=21, validators=[unit_code_validator])
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    section = models.ForeignKey(
        FinanceSection,
        verbose_name="归口业务股室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    active = models.BooleanField("启用", default=True)

    # The unit dimension makes a forgotten selector fail closed inside a region too: a request's
    # scope lists the units the actor may see, so even a reverse relation (section.units)
    # returns only those.
    objects = ScopedManager(region="region", unit="pk")

    class Meta:
        verbose_name = "预算单位"
        verbose_name_plural = "预算单位"
        ordering = ["region", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
