from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django_scopes import ScopedManager

from jixiao.org.models import FiscalYear, Region, Unit


def money(label: str, **kwargs: object) -> "models.DecimalField[Decimal, Decimal]":
    """A yuan amount to the cent, up to 千亿 (16 digits)."""
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kwargs)  # type: ignore[arg-type]


project_code_validator = RegexValidator(r"^[0-9A-Za-z]{1,21}$", "项目代码应为 1–21 位数字或字母")


class FundSource(models.TextChoices):
    GENERAL_PUBLIC = "general_public", "一般公共预算"
    GOVERNMENT_FUND = "government_fund", "政府性基金预算"
    STATE_CAPITAL = "state_capital", "国有资本经营预算"
    SPECIAL_BOND = "special_bond", "专项债券"
    TRANSFER = "transfer", "上级转移支付"
    OTHER = "other", "其他资金"


class ProjectCategory(models.Model):
    """A project category (项目类别) under a 领域, configurable per region; the indicator
    library's category-specific indicators hang off the same list."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("类别代码", max_length=10)
    name = models.CharField("项目类别", max_length=50)
    domain = models.CharField("领域", max_length=30)
    active = models.BooleanField("启用", default=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "项目类别"
        verbose_name_plural = "项目类别"
        ordering = ["region", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="category_code_unique"),
            models.UniqueConstraint(fields=["region", "name"], name="category_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A project expenditure (项目支出) of one unit in one fiscal year. Amounts are yuan."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="projects"
    )
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="projects")
    code = models.CharField("项目代码", max_length=21, validators=[project_code_validator])
    name = models.CharField("项目名称", max_length=200)
    category = models.ForeignKey(
        ProjectCategory, verbose_name="项目类别", on_delete=models.PROTECT, related_name="projects"
    )
    description = models.TextField("项目概述", blank=True)
    is_new = models.BooleanField("新增项目", default=False)
    start_year = models.PositiveSmallIntegerField(
        "开始年度", validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        "结束年度", validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    is_major = models.BooleanField("重大项目", default=False)
    is_special_bond = models.BooleanField("专项债券项目", default=False)
    fund_general_public = money("一般公共预算", default=Decimal(0))
    fund_government_fund = money("政府性基金预算", default=Decimal(0))
    fund_state_capital = money("国有资本经营预算", default=Decimal(0))
    fund_special_bond = money("专项债券", default=Decimal(0))
    fund_transfer = money("上级转移支付", default=Decimal(0))
    fund_other = money("其他资金", default=Decimal(0))
    initial_budget = money("年初预算数")
    adjusted_budget = money("全年预算数（调整后）")

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["fiscal_year", "unit", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="project_code_unique"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="project_years_order"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "unit"]), models.Index(fields=["fiscal_year", "category"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def funds(self) -> list[tuple[str, str, Decimal]]:
        return [(s.value, s.label, getattr(self, f"fund_{s.value}")) for s in FundSource]


class UnitBudget(models.Model):
    """A unit's overall budget for the year (部门整体支出): basic and project expenditure."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="budgets")
    basic_expenditure = money("基本支出")
    project_expenditure = money("项目支出")

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "单位预算"
        verbose_name_plural = "单位预算"
        ordering = ["fiscal_year", "unit"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "unit"], name="unit_budget_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.fiscal_year}"

    @property
    def total(self) -> Decimal:
        return self.basic_expenditure + self.project_expenditure


class Execution(models.Model):
    """What was paid (支付数) for a project in one month, from the treasury payment data."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="executions")
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    amount = money("支付数")

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "月度执行"
        verbose_name_plural = "月度执行"
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="execution_month_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="execution_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month}月"
