"""Data-migration steps that encrypt existing rows in place, and decrypt them back.

Used by the migrations that moved citizen ids and names to encrypted fields.
At the step they run, the columns are plain text in the historical models;
the step seals each value under the newest key with the label its final
``EncryptedTextField`` uses, and fills the blind indexes from the plaintext.
Reversing opens every value again (the keys must still be there) and
empties the indexes: the migration is reversible as long as the keys are.
Values already sealed are left alone, so a step interrupted and run again
finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from luohu.common import crypto

BATCH = 1000


def _label(model: Any, field: str) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}.{field}"


def _each_batch(model: Any) -> Any:
    batch: list[Any] = []
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(obj)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def encrypt_step(
    model_label: str,
    *,
    fields: Sequence[str],
    indexes: Mapping[str, tuple[str, Sequence[str]]] | None = None,
) -> tuple[Callable[[Any, Any], None], Callable[[Any, Any], None]]:
    """Forward and backward functions for RunPython.

    ``fields`` are sealed; ``indexes`` maps an index column to its purpose and
    source fields, computed from the plaintext before sealing.
    """
    index_specs = dict(indexes or {})

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_label)
        ring = crypto.keyring()
        changed = [*fields, *index_specs]
        needed = {*fields, *(s for _purpose, sources in index_specs.values() for s in sources)}
        for batch in _each_batch(model):
            for obj in batch:
                plain = {}
                for name in needed:
                    value = getattr(obj, name)
                    if isinstance(value, str) and crypto.is_ciphertext(value):
                        value = crypto.decrypt(value, label=_label(model, name), ring=ring)
                    plain[name] = value
                for column, (purpose, sources) in index_specs.items():
                    values = [plain[source] for source in sources]
                    setattr(obj, column, crypto.INDEX_FUNCTIONS[purpose](values, ring))
                for name in fields:
                    value = getattr(obj, name)
                    if value and not crypto.is_ciphertext(value):
                        setattr(
                            obj, name, crypto.encrypt(value, label=_label(model, name), ring=ring)
                        )
            model._base_manager.bulk_update(batch, changed)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_label)
        ring = crypto.keyring()
        for batch in _each_batch(model):
            for obj in batch:
                for name in fields:
                    value = getattr(obj, name)
                    if isinstance(value, str) and crypto.is_ciphertext(value):
                        setattr(
                            obj, name, crypto.decrypt(value, label=_label(model, name), ring=ring)
                        )
                for column in index_specs:
                    setattr(obj, column, "")
            model._base_manager.bulk_update(batch, [*fields, *index_specs])

    return forward, backward
