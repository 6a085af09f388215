"""Roles, the permission vocabulary and what each role may do: one table, read by everyone.

The web views, the API and the management commands all ask ``accounts.permissions.has_perm``,
which reads this table; nothing else decides who may do what. Later stages add their
permissions here (``goals.edit``, ``goals.review``, ...) and the permission-matrix test
checks every route against it.
"""

from enum import StrEnum


class Role(StrEnum):
    OFFICE = "office"
    SECTION = "section"
    UNIT_EDITOR = "unit_editor"
    UNIT_LEADER = "unit_leader"
    AGENCY = "agency"
    AUDITOR = "auditor"
    SYSADMIN = "sysadmin"


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICE: "绩效管理股",
    Role.SECTION: "业务股室审核人",
    Role.UNIT_EDITOR: "预算单位填报人",
    Role.UNIT_LEADER: "单位负责人",
    Role.AGENCY: "第三方机构评价人员",
    Role.AUDITOR: "审计（只读）",
    Role.SYSADMIN: "系统管理员",
}


class Reach(StrEnum):
    """How far a role sees into the unit tree of its region."""

    ALL = "all"  # every unit of the region
    SECTION = "section"  # the units its finance sections oversee, with their sub-units
    SUBTREE = "subtree"  # its own unit and the sub-units below it (主管部门)
    OWN = "own"  # its own unit only
    NONE = "none"  # no unit's business data


PERMISSIONS: dict[str, str] = {
    "org.view": "查看预算单位、业务股室和预算年度",
    "org.manage": "维护预算单位、业务股室和预算年度（含导入）",
    "accounts.view": "查看用户",
    "accounts.manage": "创建、修改、解锁用户，重置密码",
    "audit.view": "查阅操作日志",
    "budget.view": "查看项目、预算和执行数据",
    "budget.import": "导入预算和执行数据（一体化系统导出文件）",
    "library.view": "查阅绩效指标库，检索和获取指标推荐",
    "library.propose": "向指标库提议新指标",
    "library.curate": "审核指标提议，维护、导入导出指标库",
    "goals.view": "查看绩效目标表及其审核意见",
    "goals.edit": "编报、修改、报送本单位的绩效目标表，申请调整",
    "goals.leader_review": "以单位负责人（主管部门）身份审核绩效目标表",
    "goals.section_review": "以业务股室身份初审绩效目标表",
    "goals.office_review": "终审绩效目标表、评定审核结果，批量审核",
    "goals.rules": "维护绩效目标审核规则（阈值、词表）",
    "monitoring.view": "查看运行监控任务、监控表、预警和处理决定",
    "monitoring.edit": "填报本单位的监控表和用款计划，反馈处理决定的落实情况",
    "monitoring.leader_review": "以单位负责人身份审核监控表",
    "monitoring.section_review": "以业务股室身份审核监控表",
    "monitoring.decide": "对预警项目作出处理决定（继续、纠偏、调剂、暂缓拨款、停止执行）并办结",
    "monitoring.manage": "发起和结束监控任务，维护预警规则和节假日",
    "evaluation.view": "查看绩效自评任务、自评表、得分和复核结果",
    "evaluation.edit": "填报本单位的绩效自评表，上传佐证材料",
    "evaluation.leader_review": "以单位负责人身份审核绩效自评表",
    "evaluation.review": "审核单位报送的绩效自评表（通过或退回）",
    "evaluation.recheck": "抽查复核绩效自评表，给出复核得分",
    "evaluation.manage": "发起和结束自评任务，维护自评评分规则",
    "rectification.view": "查看整改事项及整改情况",
    "rectification.manage": "对发现的问题提出整改要求，确认或退回单位的整改情况",
    "rectification.respond": "反馈本单位的整改情况，上传整改佐证材料",
    "keyeval.view": "查看财政重点评价（第三方机构只看委托给本机构、且已签署利益冲突声明的评价）",
    "agencies.view": "查看第三方机构库及其报告质量记录",
    "keyeval.manage": "选定重点评价项目，委托第三方机构，审核、评定评价报告，维护第三方机构库",
    "keyeval.score": "签署利益冲突声明，维护评价指标体系并评分，上传工作底稿和评价报告",
    "keyeval.feedback": "对本单位被评价项目已提交的评价报告反馈意见",
    "results.view": "查看结果应用建议（评价结果与下年预算挂钩）",
    "results.manage": "生成结果应用建议，维护结果应用规则",
    "results.decide": "采纳或调整结果应用建议",
}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OFFICE: frozenset(
        {
            "org.view",
            "org.manage",
            "audit.view",
            "budget.view",
            "budget.import",
            "library.view",
            "library.curate",
            "goals.view",
            "goals.office_review",
            "goals.rules",
            "monitoring.view",
            "monitoring.decide",
            "monitoring.manage",
            "evaluation.view",
            "evaluation.review",
            "evaluation.recheck",
            "evaluation.manage",
            "rectification.view",
            "rectification.manage",
            "keyeval.view",
            "agencies.view",
            "keyeval.manage",
            "results.view",
            "results.manage",
            "results.decide",
        }
    ),
    Role.SECTION: frozenset(
        {
            "org.view",
            "budget.view",
            "library.view",
            "goals.view",
            "goals.section_review",
            "monitoring.view",
            "monitoring.section_review",
            "monitoring.decide",
            "evaluation.view",
            "evaluation.review",
            "rectification.view",
            "rectification.manage",
            "keyeval.view",
            "agencies.view",
            "results.view",
            "results.decide",
        }
    ),
    Role.UNIT_EDITOR: frozenset(
        {
            "org.view",
            "budget.view",
            "library.view",
            "library.propose",
            "goals.view",
            "goals.edit",
            "monitoring.view",
            "monitoring.edit",
            "evaluation.view",
            "evaluation.edit",
            "rectification.view",
            "rectification.respond",
            "keyeval.view",
            "keyeval.feedback",
            "results.view",
        }
    ),
    Role.UNIT_LEADER: frozenset(
        {
            "org.view",
            "budget.view",
            "library.view",
            "library.propose",
            "goals.view",
            "goals.leader_review",
            "monitoring.view",
            "monitoring.leader_review",
            "evaluation.view",
            "evaluation.leader_review",
            "rectification.view",
            "keyeval.view",
            "results.view",
        }
    ),
    # Evaluators judge indicators against the library too. Their reach is NONE: they see key
    # evaluations through their agency's assignments (and a signed declaration), not the unit tree.
    Role.AGENCY: frozenset({"library.view", "keyeval.view", "keyeval.score"}),
    # Auditors read all business data and the log, and change nothing. Accounts are the
    # administrator's alone (issue #2: users and roles, system administrator only); the log
    # still shows the auditor who did what.
    Role.AUDITOR: frozenset(
        {
            "org.view",
            "audit.view",
            "budget.view",
            "library.view",
            "goals.view",
            "monitoring.view",
            "evaluation.view",
            "rectification.view",
            "keyeval.view",
            "agencies.view",
            "results.view",
        }
    ),
    # 三员分立: the administrator manages accounts but sees no business data. It sees the
    # unit tree (master data) only to place users in units.
    Role.SYSADMIN: frozenset({"org.view", "accounts.view", "accounts.manage"}),
}

ROLE_REACH: dict[Role, Reach] = {
    Role.OFFICE: Reach.ALL,
    Role.SECTION: Reach.SECTION,
    Role.UNIT_EDITOR: Reach.OWN,
    Role.UNIT_LEADER: Reach.SUBTREE,
    Role.AGENCY: Reach.NONE,
    Role.AUDITOR: Reach.ALL,
    Role.SYSADMIN: Reach.NONE,
}

# Roles tied to a unit, or to a finance section; the account form requires the link.
UNIT_ROLES = frozenset({Role.UNIT_EDITOR, Role.UNIT_LEADER})
SECTION_ROLES = frozenset({Role.SECTION})


def role_permissions(role: str) -> frozenset[str]:
    """The permissions of a role; an unknown role has none (fail closed)."""
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def role_reach(role: str) -> Reach:
    try:
        return ROLE_REACH[Role(role)]
    except ValueError:
        return Reach.NONE


def check_vocabulary() -> list[str]:
    """Problems with the table itself: a role granted a permission nobody defined."""
    problems = []
    for role, perms in ROLE_PERMISSIONS.items():
        problems.extend(f"{role}: unknown permission {p}" for p in sorted(perms - PERMISSIONS.keys()))
    problems.extend(f"{role}: no reach" for role in Role if role not in ROLE_REACH)
    problems.extend(f"{role}: no label" for role in Role if role not in ROLE_LABELS)
    return problems
