from django.apps import AppConfig


class KeyevalConfig(AppConfig):
    name = "jixiao.keyeval"
    verbose_name = "财政重点评价"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.keyeval import todos  # noqa: F401  (registers the home-page to-do providers)

        register_actions(
            {
                "keyeval.agency.saved": "登记或修改第三方机构",
                "keyeval.evaluation.selected": "选定财政重点评价项目",
                "keyeval.evaluation.assigned": "委托第三方机构开展重点评价",
                "keyeval.evaluation.cancelled": "取消财政重点评价",
                "keyeval.evaluation.declared": "签署利益冲突声明",
                "keyeval.evaluation.items_saved": "修改评价指标体系",
                "keyeval.evaluation.scored": "评分",
                "keyeval.evaluation.submitted": "提交评价报告",
                "keyeval.evaluation.feedback": "被评价单位反馈评价报告意见",
                "keyeval.evaluation.returned": "退回评价报告",
                "keyeval.evaluation.rated": "评定评价报告质量",
                "keyeval.evidence.added": "上传评价工作底稿",
                "keyeval.evidence.removed": "删除评价工作底稿",
                "keyeval.demo_loaded": "生成演示重点评价数据",
            }
        )
