"""The ``jixiao`` command: a thin wrapper over the management commands.

jixiao demo [--if-empty] [--seed N]   build the demo district
jixiao worker                          run the background-task worker
jixiao serve [--port N]                web server plus a worker beside it
jixiao check-goals [--json] FILE...    review goal sheets (JSON or Excel) without a database
jixiao score-selfeval [--json] FILE... score self-evaluations (JSON) without a database
jixiao <any manage.py command> ...
"""

import importlib
import os
import sys

# Commands that need no database run before Django is set up: name → module with main(argv) -> int.
CORE_COMMANDS = {"check-goals": "jixiao.core.cli_checks", "score-selfeval": "jixiao.core.cli_score"}


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] in CORE_COMMANDS:
        command = importlib.import_module(CORE_COMMANDS[args[0]])
        sys.exit(command.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    from django.core.management import execute_from_command_line

    aliases = {"demo": "demo", "worker": "db_worker", "serve": "serve"}
    if args and args[0] in aliases:
        args = [aliases[args[0]], *args[1:]]
    execute_from_command_line(["jixiao", *args])


if __name__ == "__main__":
    main()
