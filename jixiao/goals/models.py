"""Goal sheets (绩效目标表), their indicators, review findings and workflow history."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from jixiao.budget.models import FundSource, Project, money
from jixiao.core.workflow import EDITABLE, STATE_LABELS, State
from jixiao.library.models import LibraryIndicator
from jixiao.org.models import FiscalYear, Region, Unit


class Kind(models.TextChoices):
    PROJECT = "project", "项目支出绩效目标表"
    DEPARTMENT = "department", "部门整体支出绩效目标表"


STATUS_CHOICES = [(s.value, STATE_LABELS[s]) for s in State]
GRADE_CHOICES = [(g, g) for g in ("优", "良", "中", "差")]


class GoalSheet(models.Model):
    """One unit's goal sheet for a project, or for the whole department, in one fiscal year.

    ``approved_version`` counts approvals: a project is fundable once it is at least 1 and the
    sheet was not rejected; an adjustment under way leaves the approved version in force.
    """

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="goal_sheets")
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, null=True, blank=True, related_name="goal_sheets"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default=State.DRAFT.value)
    goal = models.TextField("年度总体目标", blank=True)
    long_term_goal = models.TextField("实施期目标", blank=True)
    fund_general_public = money("一般公共预算", default=Decimal(0))
    fund_government_fund = money("政府性基金预算", default=Decimal(0))
    fund_state_capital = money("国有资本经营预算", default=Decimal(0))
    fund_special_bond = money("专项债券", default=Decimal(0))
    fund_transfer = money("上级转移支付", default=Decimal(0))
    fund_other = money("其他资金", default=Decimal(0))
    total = money("资金总额", default=Decimal(0))
    project_lines = models.JSONField("项目明细（部门整体）", default=list, blank=True)
    justification = models.TextField("对警告意见的说明", blank=True)
    grade = models.CharField("审核结果", max_length=2, choices=GRADE_CHOICES, blank=True)
    approved_version = models.PositiveIntegerField("已批复版本", default=0)
    # The review's result, kept with the rule-set version it was made with.
    errors = models.PositiveIntegerField("错误数", default=0)
    warnings = models.PositiveIntegerField("警告数", default=0)
    infos = models.PositiveIntegerField("提示数", default=0)
    rules_version = models.CharField("审核规则版本", max_length=40, blank=True)
    reviewed_at = models.DateTimeField("自动审核时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "绩效目标表"
        verbose_name_plural = "绩效目标表"
        ordering = ["fiscal_year_id", "unit_id", "kind", "project_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "project"],
                condition=models.Q(kind="project"),
                name="goal_sheet_one_per_project",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "unit"],
                condition=models.Q(kind="department"),
                name="goal_sheet_one_per_department",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="project", project__isnull=False) | models.Q(kind="department", project=None)),
                name="goal_sheet_kind_project",
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "status"]),
            models.Index(fields=["fiscal_year", "unit"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.kind == Kind.PROJECT and self.project is not None:
            return self.project.name
        return f"{self.unit.name}部门整体支出"

    @property
    def funds(self) -> list[tuple[str, str, Decimal]]:
        return [(s.value, s.label, getattr(self, f"fund_{s.value}")) for s in FundSource]

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def fundable(self) -> bool:
        return self.approved_version > 0 and self.status != State.REJECTED

    @property
    def state(self) -> State:
        return State(self.status)


class Indicator(models.Model):
    """A 三级 indicator row of a sheet, in its order on the sheet."""

    sheet = models.ForeignKey(GoalSheet, verbose_name="目标表", on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("序号")
    level1 = models.CharField("一级指标", max_length=20, blank=True)
    level2 = models.CharField("二级指标", max_length=20, blank=True)
    name = models.CharField("三级指标", max_length=200, blank=True)
    symbol = models.CharField("指标性质", max_length=10, blank=True)
    value = models.CharField("指标值", max_length=200, blank=True)
    unit = models.CharField("计量单位", max_length=30, blank=True)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    basis = models.CharField("取值依据", max_length=20, blank=True)
    source = models.CharField("数据来源", max_length=200, blank=True)
    library_indicator = models.ForeignKey(
        LibraryIndicator,
        verbose_name="指标库指标",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uses",
    )

    class Meta:
        verbose_name = "绩效指标"
        verbose_name_plural = "绩效指标"
        ordering = ["sheet_id", "position"]
        constraints = [models.UniqueConstraint(fields=["sheet", "position"], name="indicator_position_unique")]
        indexes = [models.Index(fields=["library_indicator"])]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """One finding of the automated review, as the rule engine produced it (codes, not sentences)."""

    sheet = models.ForeignKey(GoalSheet, verbose_name="目标表", on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField("规则", max_length=60)
    family = models.CharField("类别", max_length=20)
    severity = models.CharField("严重程度", max_length=10)
    indicator = models.PositiveSmallIntegerField("指标序号", null=True, blank=True)
    field = models.CharField("字段", max_length=20, blank=True)
    params = models.JSONField("参数", default=dict)

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["sheet_id", "indicator", "id"]
        indexes = [models.Index(fields=["sheet", "severity"]), models.Index(fields=["family", "severity"])]

    def __str__(self) -> str:
        return self.rule


class Event(models.Model):
    """A step of the workflow, as the sheet's page shows it: who did what, why, with which grade."""

    sheet = models.ForeignKey(GoalSheet, verbose_name="目标表", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=20, choices=STATUS_CHOICES)
    to_status = models.CharField("新状态", max_length=20, choices=STATUS_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField("意见或理由", blank=True)
    grade = models.CharField("审核结果", max_length=2, blank=True)
    adjustment = models.CharField("预算调整", max_length=200, blank=True)
    version = models.PositiveIntegerField("快照版本", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核流程记录"
        verbose_name_plural = "审核流程记录"
        ordering = ["sheet_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.action}"


class Comment(models.Model):
    """A reviewer's comment on one indicator (or the sheet), made when returning it."""

    sheet = models.ForeignKey(GoalSheet, verbose_name="目标表", on_delete=models.CASCADE, related_name="comments")
    event = models.ForeignKey(Event, verbose_name="流程记录", on_delete=models.CASCADE, related_name="comments")
    indicator = models.PositiveSmallIntegerField("指标序号", null=True, blank=True)
    indicator_name = models.CharField("指标名称", max_length=200, blank=True)
    text = models.TextField("意见")

    class Meta:
        verbose_name = "审核意见（逐条）"
        verbose_name_plural = "审核意见（逐条）"
        ordering = ["event_id", "indicator", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Snapshot(models.Model):
    """The sheet as submitted (frozen; reviews refer to it) and, once approved, as approved."""

    sheet = models.ForeignKey(GoalSheet, verbose_name="目标表", on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField("提交序号")
    data = models.JSONField("内容（jixiao.goal-sheet/1）")
    approved_version = models.PositiveIntegerField("批复版本", null=True, blank=True)
    adjustment = models.CharField("对应预算调整", max_length=200, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "目标表快照"
        verbose_name_plural = "目标表快照"
        ordering = ["sheet_id", "number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="snapshot_number_unique")]

    def __str__(self) -> str:
        return f"{self.sheet_id} #{self.number}"


class RuleSet(models.Model):
    """The review rules' thresholds and lexicons for a region and fiscal year (overrides over the
    shipped defaults). Each save is a new row; findings record the version they were made with."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    version = models.CharField("版本", max_length=40)
    data = models.JSONField("规则数据")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "审核规则版本"
        verbose_name_plural = "审核规则版本"
        ordering = ["region_id", "fiscal_year_id", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="ruleset_version_unique")]

    def __str__(self) -> str:
        return self.version


class ReviewRun(models.Model):
    """A batch review of a whole year's sheets, run in the background, with its progress."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField("目标表数", default=0)
    done = models.PositiveIntegerField("已审核", default=0)
    errors = models.PositiveIntegerField("有错误的表", default=0)
    status = models.CharField(
        "状态",
        max_length=10,
        default="queued",
        choices=[("queued", "排队中"), ("running", "审核中"), ("done", "已完成"), ("failed", "失败")],
    )
    rules_version = models.CharField("审核规则版本", max_length=40, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "批量审核"
        verbose_name_plural = "批量审核"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.status}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == "done" else 0)
