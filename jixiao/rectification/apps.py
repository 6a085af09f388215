from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "jixiao.rectification"
    verbose_name = "整改"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.rectification import todos  # noqa: F401  (registers the home-page to-do providers)

        register_actions(
            {
                "rectification.item.raised": "提出整改要求",
                "rectification.item.answered": "反馈整改情况",
                "rectification.item.closed": "确认整改完成",
                "rectification.item.returned": "退回整改情况",
                "rectification.evidence.added": "上传整改佐证材料",
                "rectification.evidence.removed": "删除整改佐证材料",
                "rectification.demo_loaded": "生成演示整改事项",
            }
        )
