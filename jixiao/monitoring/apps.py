from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jixiao.monitoring"
    verbose_name = "运行监控"

    def ready(self) -> None:
        from jixiao.audit.registry import register_actions
        from jixiao.monitoring import todos  # noqa: F401  (registers the home-page to-do providers)

        register_actions(
            {
                "monitoring.round.opened": "发起运行监控任务",
                "monitoring.round.refreshed": "按最新支付数据重算监控预警",
                "monitoring.round.closed": "结束运行监控任务",
                "monitoring.report.saved": "保存监控表",
                "monitoring.report.submit": "报送监控表",
                "monitoring.report.withdraw": "撤回监控表",
                "monitoring.report.leader_approve": "单位审核通过监控表",
                "monitoring.report.leader_return": "单位退回监控表",
                "monitoring.report.accept": "业务股室审核通过监控表",
                "monitoring.report.section_return": "业务股室退回监控表",
                "monitoring.reports.imported": "导入监控表",
                "monitoring.attachment.added": "上传监控佐证材料",
                "monitoring.attachment.removed": "删除监控佐证材料",
                "monitoring.plan.saved": "填报项目用款计划",
                "monitoring.decision.made": "对预警项目作出处理决定",
                "monitoring.decision.answered": "反馈处理决定落实情况",
                "monitoring.decision.closed": "办结处理决定",
                "monitoring.holiday.saved": "修改节假日安排",
                "monitoring.rules.saved": "修改预警规则",
                "monitoring.demo_loaded": "生成演示运行监控数据",
            }
        )
