from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "jixiao.budget"
    verbose_name = "预算与执行"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions

        register_actions(
            {
                "budget.projects.imported": "导入项目预算",
                "budget.unit_budgets.imported": "导入单位预算",
                "budget.executions.imported": "导入月度执行",
                "budget.categories.loaded": "载入项目类别",
                "budget.demo_loaded": "生成演示预算数据",
                "budget.category.created": "新增项目类别",
                "budget.category.updated": "修改项目类别",
            }
        )
