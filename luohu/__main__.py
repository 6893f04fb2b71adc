"""The `luohu` console script: Django's management commands plus luohu's own."""

from __future__ import annotations

import os
import sys

MSG_DATABASE_UNREACHABLE = (
    "无法连接数据库（{target}）：{reason}。 "
    "Cannot connect to the database ({target}): {reason}. Check DATABASE_URL and that the "
    "server is running."
)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luohu.config.django.development")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError

        from luohu.common.errors import FieldError

        try:
            execute_from_command_line(["luohu", *(sys.argv[1:] if argv is None else argv)])
        except OperationalError as exc:
            print(_database_message(exc), file=sys.stderr)
            return 2
        except FieldError as exc:
            # Bad input reaches the user as the same field-level lines the
            # API and the forms show, not as a traceback.
            for problem in exc.problems:
                print(str(problem), file=sys.stderr)
            return 2
    except ImproperlyConfigured as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def _database_message(exc: Exception) -> str:
    from django.db import connection

    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        target = str(settings["NAME"])
    else:
        target = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}/{settings['NAME']}"
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return MSG_DATABASE_UNREACHABLE.format(target=target, reason=reason)


if __name__ == "__main__":
    sys.exit(main())
