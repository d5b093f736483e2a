"""The `gcmhub` command: Django's manage.py with gcmhub's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.dev")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `gcmhub import-workplan` reads better than `import_workplan`; accept both.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
