"""Self-evaluation (绩效自评): the office's rounds, each unit's forms with their live scores, the
workflow, evidence, and finance's re-check of a sample (抽查复核).

The arithmetic lives in ``jixiao.core.scoring``; a form keeps the scores and findings it was
last computed with (and the rule-set version), so pages and the API read them, never recompute
them on the fly.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from jixiao.budget.models import Project, money
from jixiao.goals.models import GoalSheet, Kind
from jixiao.org.models import FiscalYear, Region, Unit


class Status(models.TextChoices):
    DRAFT = "draft", "填报中"
    LEADER = "leader", "待单位审核"
    SUBMITTED = "submitted", "待财政审核"
    ACCEPTED = "accepted", "已审核"
    RETURNED = "returned", "已退回"


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
GRADES = ("优", "良", "中", "差")
GRADE_CHOICES = [(g, g) for g in GRADES]


def score_field(label: str) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=7, decimal_places=2, null=True, blank=True)


class Round(models.Model):
    """A self-evaluation task for one fiscal year, issued by the performance office. The scoring
    rules in force are frozen into it when it opens, so its scores can be explained later."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="评价年度", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("自评任务名称", max_length=100)
    deadline = models.DateField("报送截止日期")
    instructions = models.TextField("工作要求", blank=True)
    rules_version = models.CharField("评分规则版本", max_length=40)
    rules = models.JSONField("评分规则")
    closed = models.BooleanField("已结束", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "自评任务"
        verbose_name_plural = "自评任务"
        ordering = ["-fiscal_year__year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class SelfEval(models.Model):
    """A unit's self-evaluation of one approved goal sheet (a project's or the whole
    department's), with the budget execution from the imported data and its computed scores."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(Round, verbose_name="自评任务", on_delete=models.CASCADE, related_name="forms")
    sheet = models.ForeignKey(GoalSheet, verbose_name="绩效目标表", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, null=True, blank=True, related_name="selfevals"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    goal = models.TextField("年度总体目标", blank=True)
    goal_result = models.TextField("总体目标实际完成情况", blank=True)
    # 预算执行: for a project from the imported budget and payments; a department form's
    # execution has no payment data behind it, and the unit fills it in.
    initial_budget = money("年初预算数", default=Decimal(0))
    adjusted_budget = models.DecimalField("全年预算数", max_digits=16, decimal_places=2, null=True, blank=True)
    spent = models.DecimalField("全年执行数", max_digits=16, decimal_places=2, null=True, blank=True)
    execution_from_data = models.BooleanField("执行数来自导入数据", default=True)
    execution_reason = models.TextField("执行率偏低的原因", blank=True)
    conclusion = models.TextField("评价结论", blank=True)
    problems = models.TextField("存在问题", blank=True)
    measures = models.TextField("改进措施", blank=True)
    # Computed by jixiao.core.scoring with the round's rules.
    execution_rate = score_field("预算执行率（%）")
    execution_score = score_field("预算执行得分")
    total = score_field("自评得分")
    grade = models.CharField("自评等级", max_length=2, choices=GRADE_CHOICES, blank=True)
    errors = models.PositiveSmallIntegerField("错误数", default=0)
    warnings = models.PositiveSmallIntegerField("警告数", default=0)
    findings = models.JSONField("检查意见", default=list)
    notes = models.JSONField("计分说明", default=list)
    computed_at = models.DateTimeField("计分时间", null=True, blank=True)
    # 抽查复核 by finance.
    sampled = models.BooleanField("抽中复核", default=False)
    check_total = score_field("复核得分")
    check_note = models.TextField("复核意见", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    checked_at = models.DateTimeField("复核时间", null=True, blank=True)
    distorted = models.BooleanField("自评失真", default=False)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "绩效自评表"
        verbose_name_plural = "绩效自评表"
        ordering = ["round", "unit__code", "kind", "project__code"]
        constraints = [models.UniqueConstraint(fields=["round", "sheet"], name="selfeval_unique")]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["round", "grade"])]

    def __str__(self) -> str:
        return f"{self.round} {self.title}"

    @property
    def title(self) -> str:
        return self.project.name if self.project_id and self.project else f"{self.unit.name}部门整体支出"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def gap(self) -> Decimal | None:
        """How far the unit's total stands above finance's re-check."""
        if self.total is None or self.check_total is None:
            return None
        return self.total - self.check_total


class Line(models.Model):
    """One indicator of the approved goal sheet, with the unit's actual and its computed score."""

    form = models.ForeignKey(SelfEval, verbose_name="自评表", on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField("序号")
    level1 = models.CharField("一级指标", max_length=20, blank=True)
    level2 = models.CharField("二级指标", max_length=20, blank=True)
    name = models.CharField("三级指标", max_length=200)
    symbol = models.CharField("指标性质", max_length=10, blank=True)
    value = models.CharField("年度指标值", max_length=200, blank=True)
    unit = models.CharField("计量单位", max_length=30, blank=True)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    actual = models.CharField("实际完成值", max_length=100, blank=True)
    score_given = models.DecimalField("定性指标得分", max_digits=6, decimal_places=2, null=True, blank=True)
    deviation_reason = models.TextField("偏差原因分析及改进措施", blank=True)
    source = models.CharField("数据来源", max_length=200, blank=True)
    # Computed.
    weight_used = models.DecimalField("计分分值", max_digits=6, decimal_places=2, null=True, blank=True)
    completion = models.DecimalField("完成率（%）", max_digits=12, decimal_places=2, null=True, blank=True)
    score = score_field("得分")
    level = models.CharField("完成等级", max_length=10, blank=True)

    class Meta:
        verbose_name = "自评指标"
        verbose_name_plural = "自评指标"
        ordering = ["form", "position"]
        constraints = [models.UniqueConstraint(fields=["form", "position"], name="selfeval_line_unique")]

    def __str__(self) -> str:
        return self.name


class Evidence(models.Model):
    """A file that proves an actual: statistics, acceptance records, payment vouchers, photos."""

    form = models.ForeignKey(SelfEval, verbose_name="自评表", on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveSmallIntegerField("对应指标序号", null=True, blank=True)
    file = models.FileField("文件", upload_to="evaluation/%Y/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "自评佐证材料"
        verbose_name_plural = "自评佐证材料"
        ordering = ["form", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """A step of a form's workflow, as its page shows it."""

    form = models.ForeignKey(SelfEval, verbose_name="自评表", on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=10, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "自评表流程"
        verbose_name_plural = "自评表流程"
        ordering = ["form", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.form_id} {self.action}"


class ScoringRules(models.Model):
    """The scoring rules of a region and fiscal year, each save a new version (the shipped
    defaults apply until the office saves its own)."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="评价年度", on_delete=models.PROTECT, related_name="+")
    version = models.CharField("版本", max_length=40)
    data = models.JSONField("规则数据")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "自评评分规则版本"
        verbose_name_plural = "自评评分规则版本"
        ordering = ["region_id", "fiscal_year_id", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="scoring_rules_version_unique")]

    def __str__(self) -> str:
        return self.version
