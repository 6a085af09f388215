from django.apps import AppConfig
from django.db.models import Q


class OrgConfig(AppConfig):
    name = "jixiao.org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions, register_history
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
        register_history("org.unit", _unit_imports)


def _unit_imports(target_id: str) -> Q:
    """Imports that created or changed the unit: their entry lists each changed code."""
    from jixiao.org.models import Unit

    code = (
        Unit.objects.with_scopes_disabled()
        .filter(pk=int(target_id) if target_id.isdecimal() else 0)
        .values_list("code", flat=True)
        .first()
    )
    if code is None:
        return Q(pk__in=[])
    return Q(action="org.units.imported", data__changes__has_key=code)
