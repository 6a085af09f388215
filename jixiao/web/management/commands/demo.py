from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jixiao.budget.demo import build_budget_demo
from jixiao.evaluation.demo import build_evaluation_demo
from jixiao.goals.demo import build_goals_demo
from jixiao.keyeval.demo import build_keyeval_demo
from jixiao.keyeval.demo import logins_text as agency_logins_text
from jixiao.library.services import library_load_starter
from jixiao.monitoring.demo import build_monitoring_demo
from jixiao.org.demo import build_demo, demo_exists, logins_text
from jixiao.rectification.demo import build_rectification_demo
from jixiao.results.demo import build_results_demo


class Command(BaseCommand):
    help = (
        "生成演示区县（株洲市渌口区，91 家预算单位、约 1,500 个项目及其执行数据、当年绩效目标表、1—8 月运行监控、"
        "2023 年度绩效自评、财政重点评价和第三方机构、整改事项、2027 年度结果应用建议）和各角色演示账号。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有演示区县时跳过")
        parser.add_argument("--seed", type=int, default=20231, help="随机种子（相同种子生成相同数据）")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            if not options["if_empty"]:
                raise CommandError("演示区县已存在；如需重建，请先删除数据库（var/jixiao.sqlite3）。")
            self.stdout.write("演示区县已存在，跳过生成。")
        else:
            with transaction.atomic():
                region = build_demo(seed=options["seed"])
                counts = build_budget_demo(region=region, seed=options["seed"])
                counts["indicators"] = library_load_starter(actor=None, region=region, actor_name="jixiao demo")
                goals = build_goals_demo(region=region, seed=options["seed"])
                monitoring = build_monitoring_demo(region=region, seed=options["seed"])
                evaluation = build_evaluation_demo(region=region, seed=options["seed"])
                # Key evaluation before rectification (whose evaluation items link the rated
                # evaluations), results application last (it drafts from everything before).
                keyeval = build_keyeval_demo(region=region, seed=options["seed"])
                rectification = build_rectification_demo(region=region, seed=options["seed"])
                results = build_results_demo(region=region, seed=options["seed"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"已生成演示区县：{region}；项目 {counts['projects']} 个，月度支付 {counts['payments']} 条，"
                    f"指标库 {counts['indicators']} 个指标，绩效目标表 {goals['sheets']} 张"
                    f"（部门整体 {goals['department_sheets']} 张，审核通过 {goals['status_approved']} 张），"
                    f"1—8 月运行监控表 {monitoring['reports']} 张（红灯 {monitoring.get('light_red', 0)} 张、"
                    f"黄灯 {monitoring.get('light_yellow', 0)} 张），处理决定 {monitoring.get('decisions', 0)} 项；"
                    f"2023 年度绩效自评表 {evaluation['forms']} 张（已审核 {evaluation['status_accepted']} 张，"
                    f"优 {evaluation['grade_excellent']}、良 {evaluation['grade_good']}、中 {evaluation['grade_fair']}、"
                    f"差 {evaluation['grade_poor']} 张），抽查复核 {evaluation['rechecked']} 张"
                    f"（自评失真 {evaluation['distorted']} 张）；重点评价 {keyeval['evaluations']} 项"
                    f"（已评定 {keyeval['status_rated']} 项：优 {keyeval['grade_excellent']}、良 {keyeval['grade_good']}、"
                    f"中 {keyeval['grade_fair']}、差 {keyeval['grade_poor']} 项；报告待审核 {keyeval['status_submitted']} 项，"
                    f"评价中 {keyeval['status_working']} 项，待机构声明 {keyeval['status_assigned']} 项，"
                    f"待委托 {keyeval['status_selected']} 项，已取消 {keyeval['status_cancelled']} 项），"
                    f"第三方机构 {keyeval['agencies']} 家；整改事项 {rectification['items']} 项"
                    f"（待整改 {rectification['status_open']} 项，其中逾期 {rectification['overdue']} 项；"
                    f"待财政确认 {rectification['status_answered']} 项，已整改 {rectification['status_closed']} 项）；"
                    f"2027 年度结果应用建议 {results['recommendations']} 条（优先保障 {results['action_priority']}、"
                    f"保持 {results['action_keep']}、压减 {results['action_reduce']}、削减或取消 {results['action_cut']} 条，"
                    f"无评价结果 {results['action_none']} 条；已确认 {results['decided']} 条，"
                    f"其中调整 {results['status_overridden']} 条）"
                )
            )
        self.stdout.write(logins_text())
        agencies = agency_logins_text()
        if agencies:
            self.stdout.write(agencies)
