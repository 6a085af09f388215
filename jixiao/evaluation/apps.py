from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "jixiao.evaluation"
    verbose_name = "绩效自评"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.evaluation import todos  # noqa: F401  (registers the home-page to-do providers)
        from jixiao.evaluation.selectors import accepted_actuals
        from jixiao.goals.review import register_actuals

        register_actuals(accepted_actuals)
        register_actions(
            {
                "evaluation.round.opened": "发起绩效自评任务",
                "evaluation.round.refreshed": "按最新执行数据重算自评得分",
                "evaluation.round.closed": "结束绩效自评任务",
                "evaluation.round.sampled": "抽取自评复核样本",
                "evaluation.form.saved": "保存绩效自评表",
                "evaluation.form.submit": "报送绩效自评表",
                "evaluation.form.withdraw": "撤回绩效自评表",
                "evaluation.form.leader_approve": "单位审核通过绩效自评表",
                "evaluation.form.leader_return": "单位退回绩效自评表",
                "evaluation.form.accept": "财政审核通过绩效自评表",
                "evaluation.form.section_return": "财政退回绩效自评表",
                "evaluation.form.rechecked": "抽查复核绩效自评表",
                "evaluation.forms.imported": "导入绩效自评表",
                "evaluation.evidence.added": "上传自评佐证材料",
                "evaluation.evidence.removed": "删除自评佐证材料",
                "evaluation.rules.saved": "修改自评评分规则",
                "evaluation.demo_loaded": "生成演示绩效自评数据",
            }
        )
