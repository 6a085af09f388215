"""Write docs/rules.md, the review-rules reference, from the review engine itself.

    .venv/bin/python docs/gen_rules.py > docs/rules.md

The rule tables come from ``jixiao.core.checks.CATALOGUE`` and the thresholds and word lists
(with their defaults) from the shipped rule set (``jixiao/core/data/checks/rules.json``); only
the explanations below are written by hand. A threshold, word list or family without an
explanation here stops the script, so a new one cannot be shipped undocumented, and
``tests/core/test_rules_doc.py`` fails while docs/rules.md differs from this script's output.
"""

import re
import sys
from collections.abc import Iterator, Mapping

from jixiao.core.checks import CATALOGUE, FAMILIES, RuleSet
from jixiao.core.checks.catalogue import SEVERITIES

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
EXAMPLE_WORDS = 8

INTRO = """\
<!-- 本文件由 docs/gen_rules.py 生成，请勿手工修改。要修改说明文字，请改 docs/gen_rules.py，然后运行
     .venv/bin/python docs/gen_rules.py > docs/rules.md
     tests/core/test_rules_doc.py 检查本文件与生成结果一致。 -->

# 绩效目标审核规则 · Review rules reference

系统对每张绩效目标表自动审核，按规则逐条列出问题（审核意见）。本文列出全部规则：代码、默认严重程度、
检查内容、对应的 DOMAIN.md 缺陷编号（共享设计资料中 DOMAIN.md §16 的 D1–D27）和政策依据；以及各地
可以调整的阈值和词表。规则表、阈值和词表的默认值由程序从规则目录（`jixiao/core/data/checks/rules.json`）
生成，与系统实际运行的规则一致。

English summary: every rule of the goal-sheet review engine (`jixiao.core.checks`), with its
code, default severity, what it catches, the DOMAIN.md defect it implements and its regulatory
basis; then the thresholds and word lists a region may change, with their defaults. Generated
from the catalogue by `docs/gen_rules.py`.

## 一、什么时候审核

同一套规则在以下场合运行：

- **新建和保存目标表**（页面「保存」、接口 `PUT /api/v1/goals/sheets/{id}`、Excel 导入确认）：审核结果
  连同所用的规则版本一起保存，显示在目标表页面每个指标旁；
- **编辑时实时审核**：编辑页面每次输入后审核一遍尚未保存的内容，不保存结果；
- **报送时**：重新审核一遍，有「错误」不能报送，有「警告」须填写说明（见下节）；
- **重新自动审核**：目标表页面的「重新自动审核」按钮，按本年度现行规则重新检查这一张表；
- **批量审核**：绩效管理股在目标表列表点击「批量审核本年度」，后台按现行规则重审本年度全部目标表；
- **Excel 导入预览**：上传后逐表审核，预览中列出每张表的错误数和警告数；
- **不经数据库的审核**：命令 `jixiao check-goals` 和接口 `POST /api/v1/goals/check`，见
  [check-goals.md](check-goals.md)。

在系统中审核时，除目标表本身外还用到：本区划本年度的规则集、本区划指标库中已入库的指标、项目的类别、
预算数据中的项目金额（年初预算数；调整中的目标表用调整后预算数）、同一单位本年度的其他目标表（核对
部门整体目标表与项目目标表，发现照搬其他项目的指标），以及同一项目（项目编码相同）上一年度的目标表。
上一年度的实际完成值取自该年度经财政审核通过的绩效自评表（见 [evaluation.md](evaluation.md)）：有了它，
「目标值低于上年实际」「目标值远高于以往实际」两条规则才有可比较的数据；自评尚未审核通过的项目不提出这两
条意见。`jixiao check-goals` 读取文件中 `history` 的 `actual`。

## 二、严重程度

| 严重程度 | 代码 | 含义 | 对报送的影响 |
|---|---|---|---|
| 错误 | `error` | 目标表必须修改的问题 | 有错误的目标表不能报送；`jixiao check-goals` 发现错误时退出码为 1 |
| 警告 | `warning` | 审核人应当关注的问题 | 可以报送，但须逐条修改或在报送时填写书面说明（「对警告意见的说明」），说明随目标表报送给审核人 |
| 提示 | `info` | 供参考 | 不影响报送 |
| 停用 | `off` | 规则不运行 | — |

`jixiao check-goals` 的文字输出把「错误」标为「严重」，JSON 输出和页面都用上表的代码和名称。

绩效管理股可以在「审核规则」页面修改每条规则的严重程度（包括停用），修改按年度保存为新版本（见下节）。

## 三、规则集与版本

规则集由三部分组成：每条规则的严重程度、阈值（下文第四节）和词表（第五节）。系统自带一套默认规则集，
版本号为 `@DEFAULT_VERSION@`。

- 绩效管理股在「绩效目标 → 审核规则」页面修改阈值、词表和严重程度，填写修改说明后「保存为新版本」。
  每次保存都生成本区划本年度的一个新版本，版本号为 `区划代码-年度.序号`（如 `430212-2026.1`），并记入
  操作日志。没有保存过的年度沿用默认规则集。
- 每次审核都使用本年度最新的版本，目标表记录审核所用的版本号和审核时间（目标表页面「自动审核」一栏）。
- 保存新版本不会自动改变已有目标表的审核意见：已有目标表在下次保存、报送、「重新自动审核」或
  「批量审核本年度」时才按新版本重新审核。改了规则后，宜发起一次批量审核。
- 有权查看绩效目标表的用户（权限 `goals.view`）都可以打开「审核规则」页面，查看现行版本、每条规则的
  严重程度、阈值、词表和本年度的版本记录；只有绩效管理股（权限 `goals.rules`）可以修改。

页面上的词表用顿号（或逗号）分隔，保存时整张词表替换默认词表。开发者通过
`jixiao.core.checks.RuleSet.from_data()` 以 JSON 提供规则集时，只需写出与默认不同的部分：

```json
{"thresholds": {"satisfaction_low": "85"},
 "lexicons": {"vague_words": {"add": ["尽力"], "remove": ["稳定"]}},
 "severities": {"completeness.missing-cost": "off"}}
```

词表可以整体替换（给出列表），也可以用 `add`、`remove` 增删；未知的阈值、词表、规则代码或严重程度会被拒绝。
"""

# What each threshold means; the rule codes named here are checked against the catalogue.
THRESHOLD_NOTES: Mapping[str, str] = {
    "indicator_count_min": "三级指标个数的下限，少于此数时提出意见（`completeness.indicator-count`）",
    "indicator_count_max": "三级指标个数的上限，多于此数时提出意见（`completeness.indicator-count`）",
    "qualitative_share_max": "定性指标占全部指标的比例上限，0.3 即 30%（`measurability.too-many-qualitative`）",
    "quantitative_share_min": "可考核的定量指标（有计量单位的数字或日期，且该指标没有错误）所占比例的下限"
    "（`measurability.few-quantitative`）",
    "require_cost": "是否要求成本指标（财预〔2021〕101号把成本指标列为一级指标）；仍采用“成本指标作为产出指标的"
    "二级指标”体系且不要求成本指标的地区可设为“否”（`completeness.missing-cost`）",
    "satisfaction_low": "满意度目标（%）低于此值时提出意见（`reasonableness.satisfaction-low`）",
    "satisfaction_high": "满意度目标（%）用 ≥、=、> 达到或超过此值时提出意见（`reasonableness.satisfaction-100`）",
    "rate_max": "比率类指标（名称含“率”“占比”等）的目标值（%）上限；增长类指标除外（`reasonableness.rate-over-100`）",
    "below_history_ratio": "目标值低于上年实际完成值的这一比例时提出意见；资金总额比上年减少时不检查"
    "（`reasonableness.below-history`）",
    "above_history_ratio": "目标值超过以往最好实际完成值的这一倍数时提出意见（`reasonableness.above-history`）",
    "cost_budget_tolerance": "成本指标的金额与资金总额相差不超过资金总额的这一比例时，视为“填的是预算总额”"
    "（`reasonableness.cost-equals-budget`）",
    "budget_change_ratio": "资金总额比上年增减超过这一比例、而数量目标与上年相同时提出意见"
    "（`relevance.budget-target-mismatch`）",
    "amount_tolerance": "金额比较允许的差额（元）：资金来源合计与资金总额、资金总额与预算安排、部门整体目标表与"
    "项目目标表（`consistency.funds-sum`、`consistency.funds-vs-budget`、`consistency.department-line-amount`、"
    "`consistency.department-lines-total`）",
    "unit_cost_low_factor": "按资金总额和数量目标算出的单位成本，低于指标库参考范围下限的这一倍数时提出意见"
    "（`relevance.unit-cost-out-of-range`）",
    "unit_cost_high_factor": "按资金总额和数量目标算出的单位成本，高于指标库参考范围上限的这一倍数时提出意见"
    "（`relevance.unit-cost-out-of-range`）",
    "unit_cost_ratio": "按资金总额算出的单位成本与本表成本指标写明的单位成本相差超过这一倍数时提出意见"
    "（`relevance.unit-cost-out-of-range`）",
    "unit_cost_name_share": "数量指标的名称至少含项目名称中这一比例的二字词，才把资金总额全部算在这个数量上"
    "（`relevance.unit-cost-out-of-range`）",
    "relevance_category_spread": "一个二字词出现在超过这一数目的项目类别的指标中时，不再用它判断指标或项目属于"
    "哪一类（`relevance.unrelated-indicator`、`relevance.unit-cost-out-of-range`）",
}

# What each word list is for.
LEXICON_NOTES: Mapping[str, str] = {
    "vague_words": "模糊表述：出现在指标值或年度总体目标中时提出意见（`clarity.vague-wording`、`clarity.vague-goal`）",
    "vague_name_words": "指标名称中的模糊表述（`clarity.vague-name`）",
    "vague_name_quantity_marks": "说明指标衡量什么的字词（率、数、量……）；名称含这些字词时不算模糊（`clarity.vague-name`）",
    "qualitative_levels": "定性指标的分级用语；指标值是这些等级时不算模糊"
    "（`clarity.vague-wording`、`measurability.qualitative-no-levels`）",
    "qualitative_level_separators": "分隔多个等级的符号，如“好/较好/一般”",
    "qualitative_level_endings": "等级结尾词，如“带动作用强”的“强”（`measurability.qualitative-no-levels`）",
    "respondent_groups": "满意度调查对象（群众、学生、企业……）；满意度指标名称须写明其中之一或类似对象"
    "（`clarity.satisfaction-no-respondent`）",
    "respondent_endings": "调查对象的结尾字（人、者、户……），如“受援人满意度”（`clarity.satisfaction-no-respondent`）",
    "generic_satisfaction_names": "没有写明调查对象的满意度指标名称（`clarity.satisfaction-no-respondent`）",
    "satisfaction_words": "表示满意度指标的字词（`clarity.satisfaction-misplaced` 等）",
    "survey_words": "数据来源中表示调查方式的字词（`measurability.satisfaction-no-survey`）",
    "bad_event_words": "越少越好的事项（事故、投诉、故障……）（`reasonableness.symbol-direction`、"
    "`reasonableness.equals-for-minimum`、`clarity.output-as-benefit`）",
    "bad_event_exempt": "对不良事项的处理（修复、办结、整改……），含这些字词的指标不算“越少越好”"
    "（`reasonableness.symbol-direction`）",
    "bad_event_actions": "针对不良事项的行动（拆除、查处、整治……），如“拆除违法建设面积”（`reasonableness.symbol-direction`）",
    "positive_rate_words": "越高越好的比率（覆盖率、合格率……），用 ≤ 时提出意见（`reasonableness.symbol-direction`）",
    "negations": "否定字，如“不合格率”“未达标率”的“不”“未”（`reasonableness.symbol-direction`）",
    "growth_words": "增长类指标的字词，此类比率可以超过 100%（`reasonableness.rate-over-100`）",
    "rate_words": "比率类指标名称中的字词（`reasonableness.rate-over-100`）",
    "count_name_endings": "计数类指标名称的结尾（人数、人次……），放在效益指标下时提出意见（`clarity.output-as-benefit`）",
    "benefit_count_exempt": "可以作为效益的计数（带动、新增、减少……），如“带动就业人数”（`clarity.output-as-benefit`）",
    "management_words": "资金管理、制度执行类字词（合规、执行率……），放在产出或效益指标下时提出意见"
    "（`clarity.management-as-output`）",
    "placeholder_patterns": "模板占位符的正则表达式（`**`、`XX`、待定……）（`measurability.placeholder`）",
    "revenue_words": "专项债券项目的收益、偿债类字词（`relevance.special-bond-no-revenue`）",
    "generic_indicator_words": "任何项目都可能使用的通用字词；去掉这些字词后指标名称没有剩余内容的，不判断是否与项目相关"
    "（`relevance.unrelated-indicator`、`relevance.boilerplate`）",
    "relevance_stop_bigrams": "判断相关性时忽略的二字词（项目、工作、年度……）（`relevance.*`）",
    "relevance_stop_chars": "判断相关性时忽略的单字（项、目、专、资……）（`relevance.unrelated-indicator`）",
    "duration_units": "表示时限的计量单位（天、工作日、月……）（`measurability.time-no-deadline`）",
    "cost_total_names": "表示预算总额的成本指标名称（预算内、总成本……）（`reasonableness.cost-equals-budget`）",
    "completion_rate_words": "完成率类名称（`reasonableness.self-referential`）",
    "goal_year_comparison": "年份前表示比较基数的字词，如“比2023年增长”（`clarity.goal-other-year`）",
    "open_count_units": "数量目标常用的计量单位（人、次、公里……），这类数量用“=”时提出提示"
    "（`reasonableness.equals-for-minimum`）",
}

# One sentence per family: what it looks at.
FAMILY_NOTES: Mapping[str, str] = {
    "completeness": "目标表应有的组成部分是否齐全：总体目标、指标、各类一级和二级指标、指标值和计量单位。",
    "clarity": "表述是否明确：模糊用语、写错年度、满意度指标的调查对象，以及指标是否放在正确的类别下。",
    "measurability": "年终能否核验：指标值是否为确定的数字、日期或分级，定量指标是否足够，是否写明数据来源。",
    "reasonableness": "目标值是否合理：比率和满意度的取值、符号方向、与以往实际的比较、成本指标的写法。",
    "relevance": "指标是否与项目和资金相关、相匹配：无关指标、照搬其他项目、单位成本、专项债券收益。",
    "consistency": "同一事实在各处是否一致：重复指标、资金来源与总额、与预算安排、部门整体与项目目标表、与上年。",
}

_CODE = re.compile(r"`([a-z]+\.[a-z0-9*-]+)`")


def _check_notes(defaults: RuleSet) -> list[str]:
    problems = []
    for name, notes, keys in (
        ("threshold", THRESHOLD_NOTES, set(defaults.thresholds)),
        ("word list", LEXICON_NOTES, set(defaults.lexicons)),
        ("family", FAMILY_NOTES, set(FAMILIES)),
    ):
        problems += [f"{name} {key} has no explanation in docs/gen_rules.py" for key in sorted(keys - set(notes))]
        problems += [f"{name} {key} is explained but does not exist" for key in sorted(set(notes) - keys)]
    for text in [*THRESHOLD_NOTES.values(), *LEXICON_NOTES.values()]:
        for code in _CODE.findall(text):
            family, _, rest = code.partition(".")
            if not (code in CATALOGUE or (rest == "*" and family in FAMILIES)):
                problems.append(f"{code} is not a rule code")
    return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _message(template: str) -> str:
    """A message template with its parameters (one or several in a row) shown as …"""
    return re.sub(r"(?:\{[a-z0-9_]+\})+", "…", template)


def lines() -> Iterator[str]:
    defaults = RuleSet.default()
    problems = _check_notes(defaults)
    if problems:
        raise SystemExit("\n".join(problems))
    yield INTRO.replace("@DEFAULT_VERSION@", defaults.version)

    yield "## 四、阈值"
    yield ""
    yield "「审核规则」页面按名称列出现值和默认值；比例写成小数（0.3 即 30%），“是/否”类阈值在页面上选择。"
    yield ""
    yield "| 名称 | 默认值 | 含义（使用它的规则） |"
    yield "|---|---|---|"
    for key, value in defaults.thresholds.items():
        yield f"| `{key}` | {_value(value)} | {_cell(THRESHOLD_NOTES[key])} |"
    yield ""

    yield "## 五、词表"
    yield ""
    yield (
        f"下表列出每张词表的默认词数和前 {EXAMPLE_WORDS} 个词；完整词表见「审核规则」页面或"
        " `jixiao/core/data/checks/rules.json`。"
    )
    yield ""
    yield "| 名称 | 词数 | 用途（使用它的规则） | 默认词表开头 |"
    yield "|---|---|---|---|"
    for key, words in defaults.lexicons.items():
        sample = " ".join(f"`{w}`" for w in words[:EXAMPLE_WORDS]) + (" ……" if len(words) > EXAMPLE_WORDS else "")
        yield f"| `{key}` | {len(words)} | {_cell(LEXICON_NOTES[key])} | {_cell(sample)} |"
    yield ""

    yield "## 六、规则一览"
    yield ""
    counts = {s: sum(1 for i in CATALOGUE.values() if i.severity == s) for s in SEVERITIES}
    summary = "，".join(f"{SEVERITY_NAMES[s]} {n} 条" for s, n in counts.items())
    yield (
        f"共 {len(CATALOGUE)} 条规则，分 {len(FAMILIES)} 类（默认：{summary}）。「审核意见」一栏是系统给出的意见，"
        "「…」处填入具体的指标名称、数值等；每条意见还附有修改建议。"
        "「DOMAIN」一栏是 DOMAIN.md §16 的缺陷编号，“—”表示该规则不对应其中的编号。"
    )
    yield ""
    for family, label in FAMILIES.items():
        rules = [info for info in CATALOGUE.values() if info.family == family]
        yield f"### {label}（{family}）"
        yield ""
        yield f"{FAMILY_NOTES[family]}共 {len(rules)} 条。"
        yield ""
        yield "| 代码 | 默认严重程度 | 检查内容 | 审核意见 | DOMAIN | 依据 |"
        yield "|---|---|---|---|---|---|"
        for info in rules:
            ref = "—" if info.ref in ("", "-") else info.ref
            yield (
                f"| `{info.code}` | {SEVERITY_NAMES[info.severity]} | {_cell(info.title)} | "
                f"{_cell(_message(info.message))} | {ref} | {_cell(info.basis)} |"
            )
        yield ""


def render() -> str:
    """The whole of docs/rules.md."""
    return "\n".join(lines()).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
