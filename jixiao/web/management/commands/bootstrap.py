import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.audit.services import log_action
from jixiao.budget.services import categories_load_defaults
from jixiao.core.access import Role
from jixiao.library.services import library_load_starter
from jixiao.org.models import Region, region_code_validator


class Command(BaseCommand):
    help = (
        "新部署初始化：创建本级行政区划（可含上级区划）和第一个系统管理员账户。"
        "系统管理员登录后再创建绩效管理股等账户；绩效管理股创建预算年度、导入预算单位。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", nargs=2, metavar=("CODE", "NAME"), required=True, help="本级行政区划代码和名称")
        parser.add_argument("--parent", nargs=2, metavar=("CODE", "NAME"), help="上级行政区划代码和名称（可选）")
        parser.add_argument("--admin", required=True, help="系统管理员用户名")
        parser.add_argument("--admin-name", default="系统管理员", help="系统管理员姓名")

    def handle(self, *args: Any, **options: Any) -> None:
        code, name = options["region"]
        for c in [code] + ([options["parent"][0]] if options["parent"] else []):
            try:
                region_code_validator(c)
            except ValidationError as exc:
                raise CommandError(f"行政区划代码「{c}」无效：{exc.messages[0]}") from None
        if Region.objects.filter(code=code).exists():
            raise CommandError(f"行政区划 {code} 已存在，无需再次初始化。")
        username = options["admin"].strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名「{username}」已被使用。")
        # From the environment for unattended installs; otherwise asked twice, never echoed.
        password = os.environ.get("JIXIAO_ADMIN_PASSWORD") or self._ask_password()
        user = User(username=username, full_name=options["admin_name"], role=Role.SYSADMIN)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        with transaction.atomic():
            parent = None
            if options["parent"]:
                parent, _ = Region.objects.get_or_create(
                    code=options["parent"][0], defaults={"name": options["parent"][1]}
                )
            region = Region.objects.create(code=code, name=name, parent=parent)
            user.region = region
            user.must_change_password = True
            user.password_changed_at = timezone.now()
            user.set_password(password)
            user.save()
            log_action(
                actor=None,
                actor_name="jixiao bootstrap",
                action="system.bootstrapped",
                target=user,
                region=region,
                data={"region": code, "admin": username},
            )
            # The region starts with the starter project categories and indicator library.
            categories_load_defaults(actor=None, region=region, actor_name="jixiao bootstrap")
            added = library_load_starter(actor=None, region=region, actor_name="jixiao bootstrap")
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建行政区划 {region} 和系统管理员「{username}」（首次登录须修改密码），载入起步指标库 {added} 个指标。"
            )
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("系统管理员初始密码：")
        if first != getpass.getpass("再次输入："):
            raise CommandError("两次输入的密码不一致。")
        return first
