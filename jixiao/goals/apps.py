from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "jixiao.goals"
    verbose_name = "绩效目标"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.goals import todos  # noqa: F401  (registers the home-page to-do providers)

        register_actions(
            {
                "goals.sheet.created": "新建绩效目标表",
                "goals.sheet.saved": "保存绩效目标表",
                "goals.sheet.submit": "报送绩效目标表",
                "goals.sheet.withdraw": "撤回绩效目标表",
                "goals.sheet.leader_approve": "单位审核通过绩效目标表",
                "goals.sheet.leader_return": "单位退回绩效目标表",
                "goals.sheet.section_approve": "业务股室初审通过绩效目标表",
                "goals.sheet.section_return": "业务股室退回绩效目标表",
                "goals.sheet.office_approve": "绩效股审核通过绩效目标表",
                "goals.sheet.office_return": "绩效股退回绩效目标表",
                "goals.sheet.office_reject": "绩效股审核不通过绩效目标表",
                "goals.sheet.reopen": "重新打开绩效目标表",
                "goals.sheet.adjust": "申请调整绩效目标",
                "goals.sheets.imported": "导入绩效目标表",
                "goals.review.batch": "批量审核年度绩效目标表",
                "goals.rules.saved": "修改绩效目标审核规则",
                "goals.demo_loaded": "生成演示绩效目标表",
            }
        )
