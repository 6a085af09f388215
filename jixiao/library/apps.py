from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "jixiao.library"
    verbose_name = "绩效指标库"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.library import todos  # noqa: F401  (registers the home-page to-do provider)

        register_actions(
            {
                "library.loaded": "载入起步指标库",
                "library.indicator.proposed": "提议新指标",
                "library.indicator.approved": "审核通过新指标",
                "library.indicator.merged": "新指标并入已有指标",
                "library.indicator.rejected": "退回新指标提议",
                "library.imported": "导入指标库",
                "library.layout.changed": "调整指标体系",
            }
        )
