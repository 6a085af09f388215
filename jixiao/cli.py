"""The ``jixiao`` command: a thin wrapper over the management commands.

jixiao demo [--if-empty] [--seed N]   build the demo district
jixiao worker                          run the background-task worker
jixiao serve [--port N]                web server plus a worker beside it
jixiao <any manage.py command> ...
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    aliases = {"demo": "demo", "worker": "db_worker", "serve": "serve"}
    if args and args[0] in aliases:
        args = [aliases[args[0]], *args[1:]]
    execute_from_command_line(["jixiao", *args])


if __name__ == "__main__":
    main()
