import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站（gunicorn）并在旁边运行一个后台任务进程（db_worker）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("JIXIAO_HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JIXIAO_WEB_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        worker = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "worker"])
        web = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jixiao.wsgi",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
            ]
        )
        self.stdout.write(f"绩效 已启动：http://{bind}/ （后台任务进程已同时启动，按 Ctrl+C 停止）")
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (web, worker):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (web, worker):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
