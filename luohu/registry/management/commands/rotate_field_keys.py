"""luohu rotate_field_keys: re-encrypt personal data under the newest field key.

Run after adding a new, higher-numbered key to LUOHU_FIELD_KEYS (keep the
old ones until this finishes). Every encrypted column of every model is
read; values sealed under an older key are sealed again under the newest,
and every blind index is recomputed, so a changed index key is applied by
the same command. Work goes in batches, each its own transaction, so the
command can be stopped and run again: it continues where values are still
stale. When it reports nothing left under old keys, the old keys can go.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast
from tqdm import tqdm

from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.common import crypto
from luohu.common.fields import BlindIndexField, EncryptedTextField

RAW_PREFIX = "_raw_"


def encrypted_models() -> list[tuple[type[models.Model], list[Any], list[BlindIndexField]]]:
    """Every model with encrypted fields or blind indexes, with those fields."""
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        encrypted = [f for f in fields if isinstance(f, EncryptedTextField)]
        indexes = [f for f in fields if isinstance(f, BlindIndexField)]
        if encrypted or indexes:
            found.append((model, encrypted, indexes))
    return found


def _stale(obj: Any, encrypted: list[Any], indexes: list[BlindIndexField], current: int) -> bool:
    old_key = any(
        (raw := getattr(obj, RAW_PREFIX + f.attname)) and crypto.key_id_of(raw) != current
        for f in encrypted
    )
    old_index = any(getattr(obj, f.attname) != f.compute(obj) for f in indexes)
    return old_key or old_index


class Command(BaseCommand):
    help = (
        "Re-encrypt citizen ids, names and facts under the newest key of LUOHU_FIELD_KEYS "
        "and recompute every blind index."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="count the stale rows, change nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ring = crypto.keyring()
        except crypto.KeyConfigurationError as exc:
            raise CommandError(str(exc)) from None
        current = ring.current_key_id
        batch_size = max(1, options["batch_size"])
        targets = encrypted_models()
        total = sum(model._base_manager.count() for model, _e, _i in targets)
        counts: Counter[str] = Counter()
        with tqdm(
            total=total,
            unit="row",
            desc=f"→ key {current}",
            disable=options["no_progress"],
            file=self.stderr._out,
        ) as bar:
            for model, encrypted, indexes in targets:
                label = model._meta.label
                rows = model._base_manager.order_by("pk").annotate(
                    **{
                        RAW_PREFIX + f.attname: Cast(f.attname, output_field=models.TextField())
                        for f in encrypted
                    }
                )
                last_pk: Any = None
                while True:
                    page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
                    with transaction.atomic():
                        batch = list(page.select_for_update()[:batch_size])
                        if not batch:
                            break
                        last_pk = batch[-1].pk
                        stale = [o for o in batch if _stale(o, encrypted, indexes, current)]
                        if stale and not options["dry_run"]:
                            # bulk_update seals each value again under the newest key
                            # and save-time index values are set here first.
                            for obj in stale:
                                for f in indexes:
                                    setattr(obj, f.attname, f.compute(obj))
                            model._base_manager.bulk_update(
                                stale, [f.name for f in (*encrypted, *indexes)]
                            )
                    counts[label] += len(stale)
                    bar.update(len(batch))
        for model, _e, _i in targets:
            label = model._meta.label
            verb = "stale" if options["dry_run"] else "re-encrypted"
            self.stdout.write(f"{label}: {counts[label]} {verb}")
        if not options["dry_run"]:
            with transaction.atomic():
                audit_record(
                    acting_user=None,
                    event_type=AuditEventType.FIELD_KEYS_ROTATED,
                    obj_type="field_keys",
                    obj_id=current,
                    after={"key_id": current, "rows": sum(counts.values()), **counts},
                )
