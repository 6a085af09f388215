"""In-year monitoring (绩效运行监控, 双监控): rounds, the units' reports with their lights,
finance's decisions on warned projects, and the working-day calendar the deadlines count in.

The math (expected progress, lights, forecast) lives in ``jixiao.core.progress``; a report keeps
the figures and lights it was last computed with, so a page and the API read them, never
recompute them on the fly.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from jixiao.budget.models import Project, ProjectCategory, money
from jixiao.goals.models import GoalSheet
from jixiao.org.models import FiscalYear, Region, Unit


class RoundKind(models.TextChoices):
    GENERAL = "general", "一般监控"
    KEY = "key", "重点监控"


class Scope(models.TextChoices):
    ALL = "all", "全部已批复目标的项目"
    CATEGORY = "category", "某一类别的项目"
    LIST = "list", "指定项目"


class Light(models.TextChoices):
    NONE = "", "不评灯"
    GREEN = "green", "绿灯"
    BLUE = "blue", "蓝灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    LEADER = "leader", "待单位审核"
    SUBMITTED = "submitted", "待股室审核"
    ACCEPTED = "accepted", "已审核"
    RETURNED = "returned", "已退回"


EDITABLE_REPORT = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class Reason(models.TextChoices):
    """偏差原因 (财预〔2019〕136号 annex)."""

    FUNDING = "经费保障", "经费保障"
    RULES = "制度保障", "制度保障"
    STAFF = "人员保障", "人员保障"
    HARDWARE = "硬件条件保障", "硬件条件保障"
    OTHER = "其他", "其他"


class Likelihood(models.TextChoices):
    """完成目标可能性 (财预〔2019〕136号 annex)."""

    SURE = "确定能", "确定能"
    MAYBE = "有可能", "有可能"
    NO = "完全不可能", "完全不可能"


class Round(models.Model):
    """A monitoring task issued by the performance office: the months it covers, which projects,
    by when. The warning rules and spending profiles in force are frozen into it when it opens,
    so its lights can be explained later even after the rules change."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("监控任务名称", max_length=100)
    month = models.PositiveSmallIntegerField("监控截至月份")
    kind = models.CharField("监控类型", max_length=10, choices=RoundKind.choices, default=RoundKind.GENERAL)
    scope = models.CharField("监控范围", max_length=10, choices=Scope.choices, default=Scope.ALL)
    category = models.ForeignKey(
        ProjectCategory, verbose_name="项目类别", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField("报送截止日期")
    instructions = models.TextField("工作要求", blank=True)
    rules_version = models.CharField("预警规则版本", max_length=40)
    rules = models.JSONField("预警规则")
    profiles = models.JSONField("支出节奏", default=dict)
    closed = models.BooleanField("已结束", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "监控任务"
        verbose_name_plural = "监控任务"
        ordering = ["-fiscal_year__year", "-month", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return "1月" if self.month == 1 else f"1–{self.month}月"


class Report(models.Model):
    """A unit's monitoring form for one project in one round, and the lights computed for it."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(Round, verbose_name="监控任务", on_delete=models.CASCADE, related_name="reports")
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="reports")
    sheet = models.ForeignKey(
        GoalSheet, verbose_name="绩效目标表", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # 预算执行: computed from the imported payments when the report is refreshed.
    budget = money("全年预算数", default=Decimal(0))
    paid = money("截至本期支付数", default=Decimal(0))
    expected_share = models.DecimalField("预期执行进度", max_digits=7, decimal_places=4, null=True, blank=True)
    expected_model = models.CharField("预期进度口径", max_length=20, blank=True)
    forecast = models.DecimalField("预计全年执行数", max_digits=16, decimal_places=2, null=True, blank=True)
    execution_light = models.CharField("执行进度灯", max_length=10, choices=Light.choices, blank=True)
    goal_light = models.CharField("目标进度灯", max_length=10, choices=Light.choices, blank=True)
    light = models.CharField("项目灯", max_length=10, choices=Light.choices, blank=True)
    gap = models.DecimalField("目标与执行进度差（百分点）", max_digits=9, decimal_places=2, null=True, blank=True)
    messages = models.JSONField("预警说明", default=list)
    # What the unit writes.
    estimate = models.DecimalField("单位预计全年执行数", max_digits=16, decimal_places=2, null=True, blank=True)
    summary = models.TextField("执行情况与偏差分析", blank=True)
    field_notes = models.TextField("实地核查情况（重点监控）", blank=True)
    needs_rectify = models.BooleanField("需要整改", default=False)
    rectify_advice = models.TextField("整改要求和建议", blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "监控表"
        verbose_name_plural = "监控表"
        ordering = ["round", "unit__code", "project__code"]
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="monitoring_report_unique")]
        indexes = [models.Index(fields=["round", "light"]), models.Index(fields=["round", "unit"])]

    def __str__(self) -> str:
        return f"{self.round} {self.project}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_REPORT

    @property
    def execution_rate(self) -> Decimal | None:
        return self.paid / self.budget if self.budget > 0 else None


class Line(models.Model):
    """One indicator of the approved goal sheet, with its progress so far as the unit reports it."""

    report = models.ForeignKey(Report, verbose_name="监控表", on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField("序号")
    level1 = models.CharField("一级指标", max_length=20, blank=True)
    level2 = models.CharField("二级指标", max_length=20, blank=True)
    name = models.CharField("三级指标", max_length=200)
    symbol = models.CharField("指标性质", max_length=10, blank=True)
    target = models.CharField("年度指标值", max_length=200, blank=True)
    unit = models.CharField("计量单位", max_length=30, blank=True)
    done = models.CharField("截至本期完成值", max_length=100, blank=True)
    expected = models.CharField("全年预计完成值", max_length=100, blank=True)
    reason = models.CharField("偏差原因", max_length=10, choices=Reason.choices, blank=True)
    reason_note = models.TextField("偏差原因说明", blank=True)
    likelihood = models.CharField("完成目标可能性", max_length=10, choices=Likelihood.choices, blank=True)
    measures = models.TextField("拟采取的措施", blank=True)
    light = models.CharField("指标灯", max_length=10, choices=Light.choices, blank=True)
    message = models.CharField("预警说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "监控指标"
        verbose_name_plural = "监控指标"
        ordering = ["report", "position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"], name="monitoring_line_unique")]

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """Evidence for a 重点监控 report: photos of the site, acceptance records, contracts."""

    report = models.ForeignKey(Report, verbose_name="监控表", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="monitoring/%Y/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    """A step of a report's workflow, as its page shows it."""

    report = models.ForeignKey(Report, verbose_name="监控表", on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=10, choices=ReportStatus.choices)
    to_status = models.CharField("新状态", max_length=10, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "监控表流程"
        verbose_name_plural = "监控表流程"
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class DecisionKind(models.TextChoices):
    CONTINUE = "continue", "继续执行"
    CORRECT = "correct", "纠偏"
    ADJUST = "adjust", "调剂预算"
    SUSPEND = "suspend", "暂缓拨款"
    STOP = "stop", "停止执行、收回资金"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "待单位落实"
    ANSWERED = "answered", "单位已反馈"
    CLOSED = "closed", "已办结"


class Decision(models.Model):
    """Finance's decision on a warned project: what is to be done, why, by when (in working
    days), and the unit's follow-up. It stays on the project's record for self-evaluation."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, verbose_name="监控表", on_delete=models.PROTECT, related_name="decisions")
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("处理决定", max_length=10, choices=DecisionKind.choices)
    reason = models.TextField("理由")
    amount = models.DecimalField("涉及金额", max_digits=16, decimal_places=2, null=True, blank=True)
    working_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    due = models.DateField("办理期限")
    status = models.CharField("状态", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", auto_now_add=True)
    follow_up = models.TextField("落实情况", blank=True)
    followed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    followed_at = models.DateTimeField("反馈时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办结人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "监控处理决定"
        verbose_name_plural = "监控处理决定"
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"

    @property
    def overdue(self) -> bool:
        """Still waiting for the unit after its deadline."""
        return self.status == DecisionStatus.OPEN and timezone.localdate() > self.due

    @property
    def late(self) -> bool:
        """Answered, but after the deadline."""
        return self.followed_at is not None and timezone.localdate(self.followed_at) > self.due


class PaymentPlan(models.Model):
    """The unit's own monthly payment plan (用款计划) for a project, in yuan: twelve amounts.
    When given, a project is measured against its own plan rather than the calendar."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="预算单位", on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="payment_plan")
    months = models.JSONField("各月计划支付数（元）")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "用款计划"
        verbose_name_plural = "用款计划"

    def __str__(self) -> str:
        return f"{self.project} 用款计划"

    @property
    def amounts(self) -> list[Decimal]:
        return [Decimal(m) for m in self.months]


class Holiday(models.Model):
    """A day of the region's working calendar that differs from Monday–Friday: a public holiday
    on a weekday, or a weekend day worked instead (调休上班). Kept by the office each year."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    working = models.BooleanField("调休上班", default=False)
    name = models.CharField("名称", max_length=30)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["region", "date"]
        constraints = [models.UniqueConstraint(fields=["region", "date"], name="holiday_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class WarningRules(models.Model):
    """The warning thresholds for a region and fiscal year, each save a new version (the shipped
    defaults apply until the office saves its own)."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="预算年度", on_delete=models.PROTECT, related_name="+")
    version = models.CharField("版本", max_length=40)
    data = models.JSONField("规则数据")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "预警规则版本"
        verbose_name_plural = "预警规则版本"
        ordering = ["region_id", "fiscal_year_id", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="warning_rules_version_unique")]

    def __str__(self) -> str:
        return self.version
