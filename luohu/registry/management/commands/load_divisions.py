from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luohu.common.errors import FieldError
from luohu.registry.services import divisions_load


class Command(BaseCommand):
    help = (
        "Load Anyang's reference divisions (NBS 2018 and 2023 vintages plus dated "
        "boundary changes) as versioned rows. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = divisions_load()
        except FieldError as exc:
            raise CommandError(
                f"区划数据有误，未写入任何数据 / reference data rejected, nothing written: {exc}"
            ) from exc
        self.stdout.write(
            f"divisions: {result.total} versions "
            f"(created {result.created}, updated {result.updated}, "
            f"deleted {result.deleted}, unchanged {result.unchanged})"
        )
