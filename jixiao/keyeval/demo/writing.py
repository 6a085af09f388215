"""What the agencies write in a key evaluation: the score of every item of the index system with
its 评分说明 (the points lost and why, in the evaluator's words, or what was checked), the
conclusion with the main problems and suggestions, the report itself (a one-page PDF), and what
the office writes back (a return, a quality rating).

The problems of each named evaluation are its own (``LOSSES``): the seed's five projects of the
2022 round, the 2023 evaluations the rectification demo quotes (营养改善计划 81.5 分, 华新水泥
84 分, with the very problems the rectification items name) and this year's. The rest of the
points come from the project's own figures (预算执行率 from its payments, 满意度 from the survey)
and, to reach the evaluation's total exactly, from its 效益 items ("效益部分达到") and, where
that is not enough, from the common findings (``COMMON``).

Everything random is drawn from the ``random.Random`` passed in; nothing here touches the
database.
"""

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jixiao.goals.demo.writer import number_text, wan
from jixiao.keyeval.models import Item

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
NUMBERS = "一二三四五六七八"
FLEX_SHARE = Decimal("0.35")  # at most this share of a 效益 item is lost to "partly achieved"


def day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def numbered(points: Sequence[str]) -> str:
    return "；".join(f"{NUMBERS[n]}是{p.rstrip('。；')}" for n, p in enumerate(points)) + "。"


def points(value: Decimal) -> str:
    return number_text(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Loss:
    """Points an item loses. ``where``: a template item's 三级指标 (``资金使用合规性``) or, with
    ``@``, the 二级指标 of an item built from the goal sheet (``@质量``), which falls back to the
    template's own item of that kind. The note may name the item (``{name}``, ``{target}``) and
    the points (``{p}``). ``optional`` losses are dropped first when the total leaves no room."""

    where: str
    points: Decimal
    note: str
    optional: bool = False


@dataclass(frozen=True)
class Texts:
    losses: tuple[Loss, ...]
    flex: str  # the 效益 note for points lost to "partly achieved"; {p}, {name}
    satisfaction: Decimal  # the survey's result, percent
    surveyed: int  # valid questionnaires
    suggestions: tuple[str, ...]
    quality_note: str = ""
    return_note: str = ""  # the office's reason, when it sent the report back once
    added_on_return: str = ""  # the item the revised report deducted more on
    summary: str = ""  # what the project is, for the report's first lines


def _l(where: str, amount: str, note: str, optional: bool = False) -> Loss:
    return Loss(where, Decimal(amount), note, optional)


# The evaluations' own findings, by plan key. Points follow the template's 评分标准 (one point a
# point not met, 0.75 for 预算编制, 1.5 for 资金分配, 0.5 a problem in 制度执行, one a month late).
TEXTS: dict[str, Texts] = {
    "road_safety": Texts(
        losses=(
            _l(
                "资金使用合规性",
                "2",
                "扣2分：2个标段未完成交工验收即支付进度款；1笔监理费支付缺少合同约定的月度考核资料。",
            ),
            _l(
                "@质量",
                "2",
                "扣2分：现场抽查12处波形护栏，3处立柱埋深不足、护栏板搭接方向错误，质量达标率75%。",
            ),
            _l("@时效", "2", "扣2分：计划10月底前完工，实际有2个标段延至12月下旬完工，延期近2个月。"),
            _l("资金分配合理性", "1.5", "扣1.5分：资金按乡镇上报的路段分配，未结合危险路段排查结果确定实施次序。"),
            _l("@数量", "1.5", "扣1.5分：计划实施安防工程120公里，实际完成105公里，完成率87.5%。"),
            _l("制度执行有效性", "1", "扣1分：部分标段施工日志、隐蔽工程验收记录缺失，工程资料未及时归档。"),
            _l("绩效指标明确性", "1", "扣1分：部分指标为定性表述（如「农村公路通行安全水平明显提升」），无法衡量。"),
            _l("预算编制科学性", "0.75", "扣0.75分：波形护栏、标志标线按估算单价编制预算，未附工程量清单和测算依据。"),
            _l("管理制度健全性", "1", "扣1分：未制定农村公路安防工程管理办法，乡镇实施的路段缺少统一验收标准。"),
            _l("@成本", "1", "扣1分：1个标段结算价超出合同价8.6%，未履行变更审批手续。", True),
            _l("立项程序规范性", "1", "扣1分：项目实施路段清单调整未经局党组会议研究，缺少集体决策记录。", True),
        ),
        flex="扣{p}分：部分临水临崖危险路段仍未实施防护，全区农村公路交通事故起数较上年下降不明显，安全效益部分达到。",
        satisfaction=Decimal("86.4"),
        surveyed=86,
        suggestions=(
            "建立危险路段排查台账，按风险等级分年度实施防护，优先安排临水临崖路段",
            "严格执行交工验收后付款的合同约定，完善施工日志和隐蔽工程验收资料",
            "对抽查发现的护栏质量问题督促施工单位限期返工，并扣减相应工程款",
        ),
        quality_note="现场核查扎实，对工程质量问题的描述具体、有照片佐证；满意度调查有效问卷86份，"
        "少于委托要求的100份，扣减相应分值。",
        summary="在急弯陡坡、临水临崖等农村公路危险路段增设波形护栏、标志标线和减速设施。",
    ),
    "street_lights": Texts(
        losses=(
            _l(
                "制度执行有效性",
                "1",
                "扣1分：维修台账记录不全，部分维修单未记录故障发现时间和修复时间，维修及时率无法核实。",
            ),
            _l("@数量", "1.6", "扣1.6分：计划更换LED节能灯具600盏，实际完成520盏，完成率86.7%。"),
            _l("@质量", "0.15", "扣0.15分：夜间抽查主次干道路灯1,120盏，亮灯率96.2%，低于目标值98%，按比例计分。"),
            _l("管理制度健全性", "1", "扣1分：未制定路灯维护单位考核办法，对维护单位的月度考核无制度依据。"),
            _l("资金使用合规性", "1", "扣1分：路灯电费与维修费在同一经济科目列支，未分项核算。"),
            _l(
                "绩效目标合理性",
                "1",
                "扣1分：预算较上年增加，但亮灯率、维修及时率等年度目标值与上年持平，目标与资金量不够匹配。",
            ),
            _l("@成本", "1", "扣1分：部分路灯配件采购单价高于同期政府采购协议价，成本控制不够。", True),
        ),
        flex="扣{p}分：部分老旧路段仍使用高压钠灯，节能改造未按计划推进，节能效益未充分体现。",
        satisfaction=Decimal("91.2"),
        surveyed=150,
        suggestions=(
            "制定路灯维护考核办法，按亮灯率、维修及时率考核结果支付维护费用",
            "电费和维修费分项核算，建立单灯能耗台账",
            "加快老旧路段节能灯具更换，提高节能效益",
        ),
        quality_note="报告结构完整；但亮灯率核查主要依据单位台账，夜间实地抽查样本偏少，问题原因分析深度一般。",
        summary="负责城区及主要干道路灯、景观亮化设施的日常巡查、维修更换和电费保障。",
    ),
    "garbage": Texts(
        losses=(
            _l(
                "@时效",
                "1",
                "扣1分：乡镇垃圾收集点清运不及时，抽查的20个收集点中有3个存在满溢，未做到日产日清。",
            ),
            _l(
                "资金使用合规性",
                "1",
                "扣1分：2022年第四季度服务费在季度考核结果出具前即全额支付，不符合合同约定的按考核结果付费。",
            ),
            _l("制度执行有效性", "1", "扣1分：对收运企业的月度考核记录不完整，有3个月无考核评分表。"),
            _l("绩效指标明确性", "1", "扣1分：部分指标为定性表述（如「城乡环境卫生状况明显改善」），无法衡量。"),
            _l("@质量", "1", "扣1分：2座垃圾压缩站渗滤液收集设施老化，抽查时有渗漏。", True),
        ),
        flex="扣{p}分：垃圾压缩站周边有异味投诉，乡镇收运覆盖不均衡，环境效益部分达到。",
        satisfaction=Decimal("87.6"),
        surveyed=200,
        suggestions=(
            "严格按季度考核结果支付收运服务费，完善月度考核记录",
            "对乡镇收集点实行定时清运和巡查制度，做到日产日清",
            "安排资金对老旧压缩站渗滤液收集设施进行改造",
        ),
        quality_note="报告规范，现场核查充分，抽查了20个收集点和2座压缩站，问题定性准确，建议可操作。",
        summary="委托专业公司对城区及乡镇生活垃圾进行收集、压缩和转运，做到日产日清。",
    ),
    "elderly_care": Texts(
        losses=(
            _l(
                "资金分配合理性",
                "1.5",
                "扣1.5分：运营补贴按核定床位数而非实际收住的失能、半失能老年人数发放，补贴依据不充分。",
            ),
            _l(
                "资金使用合规性",
                "2",
                "扣2分：2家民办养老机构申报的收住人数与入住登记不符，多领补贴未追回；1所乡镇敬老院有白条入账。",
            ),
            _l("@数量", "2", "扣2分：计划完成2所乡镇敬老院改造提质，实际完成1所。"),
            _l("@质量", "1.5", "扣1.5分：抽查的6所乡镇敬老院中有2所消防设施不达标，未达到星级评定标准。"),
            _l(
                "立项依据充分性",
                "1",
                "扣1分：公办养老院运转经费与民政局部门预算中的敬老院运行经费存在交叉，资金渠道未划分清楚。",
            ),
            _l("管理制度健全性", "1", "扣1分：未制定运营补贴绩效考核办法，补贴发放与服务质量不挂钩。"),
            _l(
                "绩效目标合理性", "1", "扣1分：绩效目标未区分民办机构运营补贴和公办机构运转经费两部分，与资金量不匹配。"
            ),
            _l("预算编制科学性", "0.75", "扣0.75分：运营补贴预算按上年数加成编制，未按收住人数和补贴标准测算。"),
            _l("制度执行有效性", "0.5", "扣0.5分：部分敬老院入住老人档案、护理等级评估资料不全。"),
            _l("@时效", "1", "扣1分：第四季度运营补贴延至次年1月发放，延期1个月。", True),
        ),
        flex="扣{p}分：失能、半失能老年人集中照护率低于规划目标，乡镇敬老院床位利用率仅约55%，效益部分达到。",
        satisfaction=Decimal("85.2"),
        surveyed=120,
        suggestions=(
            "运营补贴改按实际收住的失能、半失能老年人数和服务质量考核结果发放",
            "追回多领的运营补贴，规范敬老院财务核算",
            "整合乡镇敬老院资源，提高床位利用率和失能老人集中照护能力",
        ),
        quality_note="报告经退回修改后基本符合要求；但现场核查覆盖面偏小，问题原因分析不够深入，且修改稿逾期提交。",
        return_note="报告未反映运营补贴按核定床位而非实际收住人数发放的问题，也未核实补贴对象名单；"
        "评分表中「资金使用合规性」的扣分依据与报告正文表述不一致。请补充核查、修改后重新报送。",
        added_on_return="资金分配合理性",
        summary="按收住失能、半失能老年人数向民办养老机构发放运营补贴，保障公办养老机构正常运转。",
    ),
    "produce_checks": Texts(
        losses=(
            _l(
                "制度执行有效性",
                "1",
                "扣1分：快检数据未按规定及时上传省农产品质量安全追溯平台，部分检测原始记录缺少检测人员签字。",
            ),
            _l("资金使用合规性", "1", "扣1分：1笔检测耗材采购未按规定履行比价程序。"),
            _l("@数量", "0.18", "扣0.18分：计划抽检2,400批次，实际完成2,365批次，完成率98.5%。"),
            _l("绩效指标明确性", "1", "扣1分：部分指标为定性表述（如「农产品质量安全水平稳步提升」），无法衡量。"),
            _l("预算编制科学性", "0.75", "扣0.75分：检测费按批次单价乘计划批次测算，定量检测与快速检测单价未分列。"),
            _l("@时效", "1", "扣1分：第四季度抽检任务延至次年1月上旬完成，延期近1个月。", True),
        ),
        flex="扣{p}分：对抽检发现的不合格产品追溯处置记录不完整，监管闭环效益部分达到。",
        satisfaction=Decimal("92.5"),
        surveyed=110,
        suggestions=(
            "快检数据按规定及时上传追溯平台，完善检测原始记录",
            "建立不合格产品追溯、处置和复检闭环台账",
        ),
        quality_note="报告内容完整，检测数据核查细致；建议部分针对性有待加强。",
        summary="对全区蔬菜、水果、畜禽和水产品开展农药兽药残留定量检测和快速检测。",
    ),
    "nutrition": Texts(
        losses=(
            _l(
                "资金分配合理性",
                "1.5",
                "扣1.5分：3所农村学校按在籍学生数而非实际就餐人数申领膳食补助，多申领{extra}万元。",
            ),
            _l("资金使用合规性", "2", "扣2分：供餐企业结算单未经学校签字确认即拨付资金，支付依据不充分。"),
            _l("制度执行有效性", "1.5", "扣1.5分：抽查的12所学校中有5所未落实校领导陪餐制度，食材验收记录不全。"),
            _l("绩效指标明确性", "1", "扣1分：「学生营养健康状况得到改善」为定性表述，未设置可衡量的指标值。"),
            _l("@质量", "1", "扣1分：「{name}」（{target}）抽查中有2所学校食堂留样记录不全，按达标比例计分。"),
            _l("预算编制科学性", "0.75", "扣0.75分：预算按上年在籍学生数编制，未考虑生源下降和实际就餐人数。"),
            _l("管理制度健全性", "1", "扣1分：未制定供餐企业准入和退出管理办法。"),
            _l("@时效", "1", "扣1分：「{name}」（{target}）2所学校秋季开学首周未能正常供餐。", True),
            _l("@成本", "1", "扣1分：部分供餐企业食材配送价格高于同期市场价，未建立价格监测机制。", True),
        ),
        flex="扣{p}分：学生营养状况改善情况缺少体检数据支撑，「{name}」无法完全核实，效益部分达到。",
        satisfaction=Decimal("88.6"),
        surveyed=240,
        suggestions=(
            "核实多申领的膳食补助资金并按规定收回，建立按实际就餐人数核拨补助的机制",
            "完善陪餐和食材验收制度，规范供餐结算程序",
            "结合学生体检数据评估营养改善效果",
        ),
        quality_note="报告结构完整、数据翔实，现场抽查了12所学校并逐校核对就餐登记，问题定性准确，建议可操作。",
        summary="按每生每天5元的标准为农村义务教育学生提供营养膳食补助。",
    ),
    "cement": Texts(
        losses=(
            _l(
                "资金使用合规性",
                "2",
                "扣2分：处置费按运输单位报送的过磅数据结算，过磅系统未与区城管局称重监管平台联网，"
                "1—5月结算量无法与监管数据核对。",
            ),
            _l(
                "绩效指标明确性",
                "1",
                "扣1分：「进场垃圾无害化处置率」等指标的数据来源为协同处置企业自报，缺少第三方核验。",
            ),
            _l(
                "制度执行有效性",
                "1",
                "扣1分：渗滤液处理费用由企业还是财政承担，合同约定不明确；部分月度结算单缺少经办人签字。",
            ),
            _l(
                "预算编制科学性",
                "0.75",
                "扣0.75分：年中追加预算{topup}万元，年初预算未充分考虑乡镇收运范围扩大后处置量的增长。",
            ),
            _l("绩效目标合理性", "1", "扣1分：年中追加预算后未相应调整绩效目标。"),
            _l("管理制度健全性", "1", "扣1分：未制定协同处置量核定和结算管理办法。"),
            _l(
                "@数量",
                "1.5",
                "扣1.5分：「{name}」（{target}）按企业过磅数据统计，1—5月数据无法与监管平台核对，按核实数计分。",
                True,
            ),
        ),
        flex="扣{p}分：「{name}」缺少第三方监测数据支撑，减量化效益部分达到。",
        satisfaction=Decimal("88.9"),
        surveyed=180,
        suggestions=(
            "推动过磅系统与称重监管平台联网，逐月核对结算量，多结算的予以扣回",
            "引入第三方核验绩效指标数据",
            "签订补充协议，明确渗滤液处理费用的承担方式",
        ),
        quality_note="报告规范，对结算量的核对细致；渗滤液费用问题的测算依据略显不足。",
        summary="按月结算处置量，向华新水泥（株洲）有限公司支付生活垃圾水泥窑协同处置费。",
    ),
    "dibao": Texts(
        losses=(
            _l(
                "资金使用合规性",
                "2",
                "扣2分：抽查120户低保家庭，有4户家庭成员名下有车辆或经营性收入未及时退出，动态管理不到位。",
            ),
            _l("@质量", "1", "扣1分：「{name}」（{target}）抽查中有6户未按规定开展年度复核。"),
            _l("制度执行有效性", "1", "扣1分：部分乡镇入户调查记录、民主评议资料不完整。"),
            _l("资金分配合理性", "1.5", "扣1.5分：各乡镇低保资金按上年保障人数预拨，未按月动态结算。"),
            _l("绩效指标明确性", "1", "扣1分：「困难群众基本生活得到有效保障」为定性表述，无法衡量。"),
            _l("@时效", "1", "扣1分：「{name}」（{target}）有2个月因标准调整延迟发放。", True),
        ),
        flex="扣{p}分：低保标准调整后新标准补发存在1—2个月滞后，兜底保障效益部分达到。",
        satisfaction=Decimal("93.1"),
        surveyed=160,
        suggestions=(
            "加强低保对象家庭经济状况核对，对不再符合条件的及时退出",
            "规范乡镇入户调查和民主评议程序",
            "标准调整后及时补发，缩短发放周期",
        ),
        summary="按月向城乡最低生活保障对象发放低保金，保障困难群众基本生活。",
    ),
    "sewage": Texts(
        losses=(
            _l(
                "资金使用合规性",
                "2",
                "扣2分：运营服务费按设计处理规模而非实际处理水量结算，未执行合同约定的水量核定程序。",
            ),
            _l("@质量", "2", "扣2分：「{name}」（{target}）抽查期间出水有1次氨氮超标。"),
            _l("预算编制科学性", "1.5", "扣1.5分：预算按设计规模和上年单价测算，未考虑管网覆盖不足导致的进水量偏低。"),
            _l("绩效目标合理性", "1", "扣1分：污水处理量目标值按设计规模设定，与实际进水量差距较大。"),
            _l("制度执行有效性", "1", "扣1分：在线监测数据与运营日报存在不一致，未建立数据比对机制。"),
            _l("管理制度健全性", "1", "扣1分：未制定运营服务考核办法，月度考核流于形式。"),
            _l("立项程序规范性", "1", "扣1分：运营服务合同续签未经局党组会议集体研究。"),
            _l("@数量", "1", "扣1分：「{name}」（{target}）部分点位监测数据缺失。", True),
            _l("@成本", "1", "扣1分：吨水运行成本高于同类规模污水处理厂平均水平。", True),
        ),
        flex="扣{p}分：进水COD浓度偏低，城区污水收集率不高，减排效益部分达到。",
        satisfaction=Decimal("86"),
        surveyed=130,
        suggestions=(
            "按实际处理水量结算运营服务费，对多付部分予以扣回",
            "建立在线监测数据与运营日报比对机制",
            "加快配套管网建设，提高污水收集率和进水浓度",
        ),
        summary="按处理水量向城镇污水处理厂运营单位支付运营服务费。",
    ),
    "tekun": Texts(
        losses=(
            _l("绩效目标合理性", "1", "扣1分：分散供养和集中供养未分别设置目标，与资金量不匹配。"),
            _l("资金使用合规性", "1", "扣1分：2名已死亡特困人员的供养金未及时停发，已发放2个月。"),
        ),
        flex="",
        satisfaction=Decimal("0"),
        surveyed=0,
        suggestions=(),
        summary="保障特困人员基本生活和照料护理，落实分散供养和集中供养。",
    ),
}

# What an evaluator finds in many projects: taken, in the rng's order, when a project's own
# findings leave too many points for its 效益 items to lose.
COMMON: tuple[Loss, ...] = (
    _l("立项依据充分性", "1", "扣1分：立项依据中部分政策文件已废止，未及时更新。"),
    _l("立项程序规范性", "1", "扣1分：项目预算调整未履行集体决策程序，缺少会议纪要。"),
    _l("绩效目标合理性", "1", "扣1分：部分指标值按上年完成值简单设定，目标偏保守。"),
    _l("绩效指标明确性", "1", "扣1分：部分指标为定性表述，无法衡量。"),
    _l("预算编制科学性", "0.75", "扣0.75分：预算测算依据不充分，未附明细测算表。"),
    _l("资金分配合理性", "1.5", "扣1.5分：资金分配测算依据未在预算文本中列明。"),
    _l("资金使用合规性", "1", "扣1分：抽查凭证中有1笔支出附件不全。"),
    _l("管理制度健全性", "1", "扣1分：未制定项目专项资金管理办法，沿用单位一般财务制度。"),
    _l("制度执行有效性", "0.5", "扣0.5分：部分合同、验收资料未及时归档。"),
)

# What an evaluator writes on an item at full marks.
FULL: dict[str, str] = {
    "立项依据充分性": "项目符合相关政策和部门职责，属于公共财政支持范围，与其他项目无交叉重复。",
    "立项程序规范性": "项目按规定程序申报设立，审批文件齐全。",
    "绩效目标合理性": "项目设定了绩效目标，与实际工作内容相关，与预算资金量基本匹配。",
    "绩效指标明确性": "绩效目标已细化为可衡量的绩效指标，与年度任务数相对应。",
    "预算编制科学性": "预算按标准编制，测算依据充分，与工作任务相匹配。",
    "资金分配合理性": "资金分配依据充分，与实际相适应。",
    "资金到位率": "预算资金已全额到位。",
    "资金使用合规性": "抽查支付凭证，资金拨付审批手续完整，未发现截留、挤占、挪用情况。",
    "管理制度健全性": "已制定项目资金和业务管理制度，内容完整。",
    "制度执行有效性": "合同、验收等资料齐全，项目实施符合管理规定。",
    "实际完成率": "计划产出全部完成。",
    "质量达标率": "抽查产出质量均达到标准。",
    "完成及时性": "按计划时间完成。",
    "成本节约率": "实际成本控制在计划成本以内。",
    "实施效益": "达到预期效益。",
}
TEMPLATE_KINDS = {
    "数量": "实际完成率",
    "质量": "质量达标率",
    "时效": "完成及时性",
    "成本": "成本节约率",
    "项目效益": "实施效益",
    "满意度": "满意度",
}


@dataclass
class Scored:
    """The items as the agency scores them, and the losses it wrote up."""

    items: list[Item]
    scores: list[Decimal | None]
    notes: list[str]
    # (rank, order, item index, problem): rank 0 the evaluation's own findings (in the order
    # they are written, the weightiest first), 1 its 效益 partly achieved, 2 the execution rate,
    # 3 common findings (then by points lost, most first).
    found: list[tuple[int, Decimal, int, str]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((s for s in self.scores if s is not None), Decimal(0))

    def problems(self, limit: int) -> list[str]:
        """The main problems, the evaluation's own first, in the order of the index system."""
        chosen: list[tuple[int, str]] = []
        for _, _, n, text in sorted(self.found):
            if len(chosen) < limit and text not in {t for _, t in chosen}:
                chosen.append((n, text))
        return [text for _, text in sorted(chosen)]


def target_of(item: Item) -> str:
    """ "≥98%" from the explanation "绩效目标：亮灯率≥98%" of an item built from a goal indicator."""
    text = item.explanation.removeprefix("绩效目标：")
    return text.removeprefix(item.level3) if text != item.explanation else ""


def _target_number(item: Item) -> Decimal | None:
    found = re.search(r"(\d+(?:\.\d+)?)\s*%?$", target_of(item))
    return Decimal(found.group(1)) if found else None


def _is_satisfaction(item: Item) -> bool:
    return item.level2 == "满意度" or item.level3 == "满意度"


def _find(items: Sequence[Item], where: str, used: set[int]) -> int | None:
    """The index of the item a loss is about: by name, or by kind (a goal item, else the
    template's item of that kind)."""
    if not where.startswith("@"):
        return next((n for n, i in enumerate(items) if i.level3 == where), None)
    kind = where[1:]
    for n, i in enumerate(items):
        if n not in used and i.level2 == kind and not _is_satisfaction(i):
            return n
    template = TEMPLATE_KINDS.get(kind)
    return next((n for n, i in enumerate(items) if i.level3 == template), None)


def _problem(note: str) -> str:
    return re.sub(r"^扣[\d.]+分：", "", note)


def score(
    items: Sequence[Item],
    texts: Texts,
    *,
    total: Decimal,
    execution: tuple[Decimal, str] | None,
    rng: random.Random,
    values: dict[str, str] | None = None,
    skip: frozenset[str] = frozenset(),
) -> Scored:
    """Every item scored so that the scores add up to ``total`` exactly: the plan's own losses
    (less those in ``skip``), 预算执行率 from ``execution`` (rate in percent, how it was
    measured), 满意度 from the survey, the rest lost on the 效益 items ("partly achieved") and,
    when they cannot take it all, on common findings. ``values`` fill the notes' placeholders."""
    values = values or {}
    n_items = len(items)
    scores: list[Decimal] = [i.weight for i in items]
    notes = [""] * n_items
    ranks: dict[int, int] = {}
    used: set[int] = set()

    def lose(n: int, amount: Decimal, note: str, rank: int = 0) -> None:
        amount = min(amount.quantize(CENT, rounding=ROUND_HALF_UP), scores[n])
        scores[n] -= amount
        notes[n] = note
        ranks[n] = rank
        used.add(n)

    for n, item in enumerate(items):
        if item.level3 == "预算执行率" and execution is not None:
            rate, basis = execution
            got = (item.weight * min(rate, HUNDRED) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
            if got < item.weight:
                lose(n, item.weight - got, f"扣{points(item.weight - got)}分：{basis}，按比例计分。", 2)
            else:
                notes[n] = f"{basis}，得满分。"
                used.add(n)
        elif _is_satisfaction(item) and texts.surveyed:
            goal = _target_number(item) or Decimal(90)
            got = texts.satisfaction
            survey = f"发放问卷{texts.surveyed + rng.randint(4, 20)}份，回收有效问卷{texts.surveyed}份，满意度{number_text(got)}%"
            if got < goal:
                amount = item.weight * (1 - got / goal)
                lose(n, amount, f"扣{points(amount)}分：{survey}，低于{number_text(goal)}%，按比例计分。", 9)
            else:
                notes[n] = f"{survey}，达到{number_text(goal)}%，得满分。"
                used.add(n)
    wanted = [loss for loss in texts.losses if loss.where not in skip]
    placed: list[tuple[int, Loss]] = []
    for loss in wanted:
        at = _find(items, loss.where, used)
        if at is None or at in used:
            continue
        placed.append((at, loss))
        used.add(at)
    order = {n: Decimal(k) for k, (n, _) in enumerate(placed)}
    flexible = [n for n, i in enumerate(items) if i.level1 == "效益" and n not in used]
    room = sum((items[n].weight * FLEX_SHARE for n in flexible), Decimal(0))
    fixed = sum((i.weight - s for i, s in zip(items, scores, strict=True)), Decimal(0))
    left = sum((i.weight for i in items), Decimal(0)) - total - fixed - sum((x.points for _, x in placed), Decimal(0))
    while left < 0 and any(x.optional for _, x in placed):
        dropped = next(p for p in reversed(placed) if p[1].optional)
        placed.remove(dropped)
        used.discard(dropped[0])
        left += dropped[1].points
    if left < 0:
        raise ValueError(f"演示评价的扣分超过了应得总分 {total}（多 {-left} 分）")
    common = list(COMMON)
    common_at: set[int] = set()
    rng.shuffle(common)
    for loss in common:
        if left <= room:
            break
        at = _find(items, loss.where, used)
        if at is None or at in used or loss.points > left:
            continue
        placed.append((at, loss))
        common_at.add(at)
        used.add(at)
        left -= loss.points
        flexible = [m for m in flexible if m != at]
        room = sum((items[m].weight * FLEX_SHARE for m in flexible), Decimal(0))
    if left > room:
        raise ValueError(f"演示评价的总分 {total} 过低：效益指标无法再扣 {left} 分")
    for n, loss in placed:
        item = items[n]
        note = loss.note.format(name=item.level3, target=target_of(item), p=points(loss.points), **values)
        lose(n, loss.points, note, 3 if n in common_at else 0)
    for n in flexible:
        if left <= 0:
            break
        amount = min(left, (items[n].weight * FLEX_SHARE).quantize(CENT))
        note = texts.flex or "扣{p}分：效益部分达到，按达成程度计分。"
        lose(n, amount, note.format(p=points(amount), name=items[n].level3, **values), 1)
        left -= amount
    assert left == 0, left
    for n, item in enumerate(items):
        if not notes[n]:
            target = target_of(item)
            notes[n] = (
                f"经核查，{item.level3}达到目标值（{target}），得满分。"
                if target
                else FULL.get(item.level3, "得满分。")
            )
    found = [
        (ranks[n], order.get(n, s - item.weight), n, _problem(note))
        for n, (item, s, note) in enumerate(zip(items, scores, notes, strict=True))
        if s < item.weight and ranks[n] < 9
    ]
    result = Scored(list(items), list(scores), notes, found)
    assert result.total == total, (result.total, total)
    return result


def partly(items: Sequence[Item], texts: Texts, *, execution: tuple[Decimal, str] | None, upto: int) -> Scored:
    """The agency half way: 决策 and the first ``upto`` 过程 items scored (with the plan's own
    losses on them), the rest not yet."""
    scores: list[Decimal | None] = [None] * len(items)
    notes = [""] * len(items)
    done = 0
    for n, item in enumerate(items):
        if item.level1 == "过程":
            if done >= upto:
                continue
            done += 1
        elif item.level1 != "决策":
            continue
        scores[n], notes[n] = item.weight, FULL.get(item.level3, "得满分。")
        if item.level3 == "预算执行率" and execution is not None:
            rate, basis = execution
            got = (item.weight * min(rate, HUNDRED) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
            scores[n] = got
            notes[n] = (
                f"{basis}，得满分。"
                if got == item.weight
                else f"扣{points(item.weight - got)}分：{basis}，按比例计分。"
            )
        for loss in texts.losses:
            if loss.where == item.level3:
                scores[n] = item.weight - loss.points
                notes[n] = loss.note.format(name=item.level3, target="", p=points(loss.points))
    return Scored(list(items), scores, notes)


def subtotals(scored: Scored) -> list[tuple[str, Decimal, Decimal]]:
    out: dict[str, list[Decimal]] = {}
    for item, s in zip(scored.items, scored.scores, strict=True):
        got = out.setdefault(item.level1, [Decimal(0), Decimal(0)])
        got[0] += item.weight
        got[1] += s or Decimal(0)
    return [(level, w, s) for level, (w, s) in out.items()]


def conclusion(
    *, project: str, unit: str, year: int, budget: Decimal, agency: str, grade: str, scored: Scored, texts: Texts
) -> str:
    """评价结论和主要问题: the score, the grade, the parts, the main problems and suggestions."""
    parts = "、".join(f"{level}{points(s)}分（满分{number_text(w)}分）" for level, w, s in subtotals(scored))
    problems = scored.problems(4)
    head = (
        f"{agency}受托对{unit}{project}{year}年度预算资金{wan(budget)}万元开展财政重点绩效评价。"
        f"经综合评价，该项目得分{points(scored.total)}分，评价等级为「{grade}」，其中{parts}。"
    )
    body = f"主要问题：{numbered(problems)}" if problems else ""
    advice = f"有关建议：{numbered(list(texts.suggestions))}" if texts.suggestions else ""
    return head + body + advice


def report_lines(
    *,
    unit: str,
    project: str,
    year: int,
    budget: Decimal,
    agency: str,
    notice: str,
    texts: Texts,
    scored: Scored,
    grade: str,
    on: dt.date,
    revised: bool = False,
) -> list[str]:
    """The report as the PDF prints it: who, what, the conclusion, the parts, problems and
    suggestions, signed and dated."""
    lines = [
        "委托单位：株洲市渌口区财政局",
        f"评价机构：{agency}",
        f"被评价单位：{unit}",
        f"评价对象：{project}{year}年度预算资金{wan(budget)}万元",
        f"评价依据：财预〔2020〕10号、{notice}",
        "",
        "一、项目概况",
        texts.summary,
        "二、综合评价结论",
        f"该项目得分{points(scored.total)}分，评价等级为「{grade}」。",
        *(f"{level}类指标：满分{number_text(w)}分，得分{points(s)}分" for level, w, s in subtotals(scored)),
        "三、存在的主要问题",
        *(f"{n}. {text}" for n, text in enumerate(scored.problems(6), 1)),
        "四、有关建议",
        *(f"{n}. {text}。" for n, text in enumerate(texts.suggestions, 1)),
        "",
        agency,
        day(on) + ("（修改稿）" if revised else ""),
    ]
    return lines


# --- the office ---------------------------------------------------------------------------------

CANCEL_REASON = (
    "省财政厅已将该项资金纳入{year}年度衔接推进乡村振兴补助资金绩效评价范围，为避免重复评价，取消本级财政重点评价，"
    "已通知受托机构终止委托。"
)
REASSIGN = "原受托机构{old}因同期承接省级评价项目、人手不足申请退出，经研究改委托{new}。"


def requirements(notice: str, year: int, *, midyear: bool = False) -> str:
    scope = (
        f"项目{year}年1—10月的资金使用和绩效目标实现情况（事中评价），重点关注预算执行进度和目标实现程度"
        if midyear
        else f"项目{year}年度预算资金的决策、过程、产出和效益情况"
    )
    return (
        f"依据《项目支出绩效评价管理办法》（财预〔2020〕10号）和{notice}，评价{scope}：核查资金拨付和使用凭证、"
        "合同及验收资料，实地抽查项目实施情况，开展服务对象满意度问卷调查（有效问卷不少于100份），按财政局下发的"
        "指标体系逐项评分，形成评价报告并附评分表和工作底稿。"
    )
