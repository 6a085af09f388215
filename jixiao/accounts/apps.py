from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jixiao.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from jixiao.accounts import signals, todos  # noqa: F401  (audit receivers, to-do provider)
        from jixiao.audit.registry import register_actions

        register_actions(
            {
                "accounts.login": "登录",
                "accounts.logout": "退出登录",
                "accounts.login_failed": "登录失败",
                "accounts.session_expired": "空闲超时退出",
                "accounts.user.created": "创建用户",
                "accounts.user.updated": "修改用户",
                "accounts.user.password_reset": "重置用户密码",
                "accounts.user.unlocked": "解除用户锁定",
                "accounts.password_changed": "修改本人密码",
                "accounts.token.created": "创建 API 令牌",
                "accounts.token.revoked": "吊销 API 令牌",
            }
        )
