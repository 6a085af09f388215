import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站（gunicorn）并在旁边运行一个后台任务进程（db_worker）；后台进程意外退出时自动重启。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("JIXIAO_HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JIXIAO_WEB_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        web_cmd = [sys.executable, "-m", "gunicorn", "jixiao.wsgi", "--bind", bind]
        web_cmd += ["--workers", str(options["workers"]), "--access-logfile", "-"]
        worker_cmd = [sys.executable, "-m", "jixiao.cli", "worker"]

        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        # SIGTERM (systemd, `kill`) stops both children as Ctrl+C does, leaving no orphans.
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        web = subprocess.Popen(web_cmd)  # noqa: S603
        worker = subprocess.Popen(worker_cmd)  # noqa: S603
        self.stdout.write(f"绩效 已启动：http://{bind}/ （后台任务进程已同时启动，按 Ctrl+C 停止）")
        code = 0
        while not stopping:
            if web.poll() is not None:
                code = web.returncode
                break
            if worker.poll() is not None:
                self.stderr.write(f"后台任务进程已退出（代码 {worker.returncode}），正在重启。")
                worker = subprocess.Popen(worker_cmd)  # noqa: S603
            time.sleep(1)
        for proc in (web, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if code:
            sys.exit(code)
