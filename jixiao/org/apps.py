from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "jixiao.org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.org import todos  # noqa: F401  (registers the home-page to-do provider)

        register_actions(
            {
                "org.units.imported": "导入预算单位",
                "org.unit.updated": "修改预算单位",
                "org.section.created": "新增业务股室",
                "org.section.updated": "修改业务股室",
                "org.fiscal_year.created": "新增预算年度",
                "org.fiscal_year.phases_updated": "调整预算年度阶段时间",
                "system.demo_loaded": "生成演示数据",
                "system.bootstrapped": "初始化部署",
            }
        )
