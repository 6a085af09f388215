"""Key evaluation (财政重点评价): projects finance selects, evaluates through third-party agencies
from its registry, scores item by item on the 决策/过程/产出/效益 index system, and whose reports
the office rates for quality — the rating becomes the agency's record.

An agency's people see an evaluation only once it is assigned to their agency and they have
signed the conflict-of-interest declaration for it (利益冲突声明); before that they see its
name and nothing else. The arithmetic and the report outline live in ``jixiao.core.keyeval``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from jixiao.budget.models import Project, money
from jixiao.evaluation.models import GRADE_CHOICES, score_field
from jixiao.org.models import FiscalYear, Region, Unit


class Agency(models.Model):
    """A third-party evaluation agency (第三方机构) the bureau may commission."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("机构名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    qualifications = models.TextField("资质和业绩", blank=True)
    contact = models.CharField("联系人", max_length=30)
    phone = models.CharField("联系电话", max_length=30)
    email = models.CharField("电子邮箱", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    active = models.BooleanField("可承接业务", default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="机构评价人员", related_name="agencies", blank=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedManager(region="region")

    class Meta:
        verbose_name = "第三方机构"
        verbose_name_plural = "第三方机构"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="agency_name_unique")]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    SELECTED = "selected", "已选定"
    ASSIGNED = "assigned", "已委托，待声明"
    WORKING = "working", "评价中"
    SUBMITTED = "submitted", "报告待审核"
    RATED = "rated", "已评定"
    CANCELLED = "cancelled", "已取消"


# What an agency member may open (after declaring), and where the agency may still change things.
VISIBLE_TO_AGENCY = frozenset({Status.ASSIGNED, Status.WORKING, Status.SUBMITTED, Status.RATED})
AGENCY_EDITABLE = frozenset({Status.WORKING})


class Evaluation(models.Model):
    """One key evaluation of one project's spending in one fiscal year."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, verbose_name="评价年度", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, verbose_name="评价项目", on_delete=models.PROTECT, related_name="key_evaluations"
    )
    unit = models.ForeignKey(Unit, verbose_name="被评价单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("评价名称", max_length=200)
    reasons = models.JSONField("选定理由", default=list)
    requirements = models.TextField("评价范围和要求", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SELECTED)
    agency = models.ForeignKey(
        Agency,
        verbose_name="受托机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    deadline = models.DateField("报告提交期限", null=True, blank=True)
    fee = money("委托费用（元）", null=True, blank=True)
    assigned_at = models.DateTimeField("委托时间", null=True, blank=True)
    template_version = models.CharField("指标体系模板版本", max_length=40)
    total = score_field("评价得分")
    grade = models.CharField("评价等级", max_length=2, choices=GRADE_CHOICES, blank=True)
    conclusion = models.TextField("评价结论和主要问题", blank=True)
    report = models.FileField("评价报告", upload_to="keyeval/%Y/", blank=True)
    report_name = models.CharField("报告文件名", max_length=200, blank=True)
    report_size = models.PositiveIntegerField("报告大小（字节）", default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # The evaluated unit's view of the submitted report (征求被评价单位意见), for the office to weigh
    # before it returns or rates the report; a resubmission asks again.
    feedback = models.TextField("被评价单位意见", blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    return_note = models.TextField("退回意见", blank=True)
    returns = models.PositiveSmallIntegerField("退回次数", default=0)
    quality = score_field("报告质量评分")
    quality_note = models.TextField("质量评价意见", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评定人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    rated_at = models.DateTimeField("评定时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="选定人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("选定时间", auto_now_add=True)

    objects = ScopedManager(region="region", unit="unit")

    class Meta:
        verbose_name = "财政重点评价"
        verbose_name_plural = "财政重点评价"
        ordering = ["-fiscal_year__year", "status", "id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            # One evaluation under way per project; a cancelled one leaves room for a new one.
            models.UniqueConstraint(
                fields=["project"], condition=~models.Q(status="cancelled"), name="keyeval_one_per_project"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return (
            self.deadline is not None
            and self.status in (Status.ASSIGNED, Status.WORKING)
            and timezone.localdate() > self.deadline
        )


class Declaration(models.Model):
    """An agency member's conflict-of-interest declaration for one evaluation: no conflict (then
    the member may see and work on it) or a conflict (then the member stays out)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="评价", on_delete=models.CASCADE, related_name="declarations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="声明人", on_delete=models.PROTECT, related_name="+"
    )
    conflict = models.BooleanField("存在利害关系")
    statement = models.TextField("声明内容")
    signed_at = models.DateTimeField("声明时间", auto_now_add=True)

    class Meta:
        verbose_name = "利益冲突声明"
        verbose_name_plural = "利益冲突声明"
        ordering = ["evaluation", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="declaration_once")]

    def __str__(self) -> str:
        return f"{self.user} {'回避' if self.conflict else '无利害关系'}"


class Item(models.Model):
    """One third-level point of the evaluation's index system, with the agency's score."""

    evaluation = models.ForeignKey(Evaluation, verbose_name="评价", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    level1 = models.CharField("一级指标", max_length=10)
    level2 = models.CharField("二级指标", max_length=30)
    level3 = models.CharField("三级指标", max_length=200)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=2)
    explanation = models.TextField("指标解释", blank=True)
    standard = models.TextField("评分标准", blank=True)
    score = score_field("得分")
    note = models.TextField("评分说明", blank=True)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["evaluation", "position"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "position"], name="keyeval_item_position")]

    def __str__(self) -> str:
        return self.level3

    @property
    def lost(self) -> Decimal | None:
        return None if self.score is None else self.weight - self.score


class Evidence(models.Model):
    """Working papers the agency attaches: to an item, or to the evaluation as a whole."""

    evaluation = models.ForeignKey(Evaluation, verbose_name="评价", on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(
        Item, verbose_name="评价指标", on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="keyeval/%Y/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价工作底稿"
        verbose_name_plural = "评价工作底稿"
        ordering = ["evaluation", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
