from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "jixiao.results"
    verbose_name = "结果应用"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.results import todos  # noqa: F401  (registers the home-page to-do providers)

        register_actions(
            {
                "results.drafted": "生成结果应用建议",
                "results.accepted": "采纳结果应用建议",
                "results.overridden": "调整结果应用建议",
                "results.rules.saved": "修改结果应用规则",
                "results.demo_loaded": "生成演示结果应用建议",
            }
        )
