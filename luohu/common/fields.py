"""Model fields that keep personal data encrypted at rest, and their blind indexes.

``EncryptedTextField`` and ``EncryptedJSONField`` hold plaintext in Python
and AES-256-GCM ciphertext in the database (``luohu.common.crypto``). They
refuse every query lookup except ``isnull``: a ciphertext is random, so
``filter(citizen_id=…)`` could never match and must go through the
``BlindIndexField`` beside it instead. A forgotten plaintext query fails
loudly rather than finding nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core import checks, exceptions
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, StartsWith
from django.utils.functional import cached_property

from luohu.common import crypto

MSG_UNKNOWN_KEY = (
    "{label}: 该值由当前未配置的密钥加密。 "
    "{label}: the value was sealed under a key LUOHU_FIELD_KEYS does not hold."
)
MSG_LOOKUP_REFUSED = (
    "{label} is encrypted at rest: query its blind index instead of '{lookup}' "
    "(字段已加密，请按盲索引查询)."
)


def field_label(field: models.Field[Any, Any]) -> str:
    """The column a ciphertext is bound to: ``app.model.field``."""
    meta = field.model._meta
    return f"{meta.app_label}.{meta.model_name}.{field.name}"


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest; "" and None are stored as they are.

    ``max_length`` limits the plaintext (checked by ``full_clean``); the
    column is unbounded text, since the ciphertext is longer.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    @cached_property
    def validators(self) -> list[Any]:
        extra = [MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *extra]

    @property
    def label(self) -> str:
        return field_label(self)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        problems = super().check(**kwargs)
        if self.unique or getattr(self, "db_index", False):
            problems.append(
                checks.Error(
                    "An encrypted field cannot be unique or indexed: its values are random.",
                    hint="Put the unique constraint or index on its BlindIndexField.",
                    obj=self,
                    id="luohu.E101",
                )
            )
        return problems

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise exceptions.FieldError(MSG_LOOKUP_REFUSED.format(label=self.label, lookup=lookup_name))

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def _seal(self, text: str) -> str:
        return crypto.encrypt(text, label=self.label)

    def _open(self, token: str) -> str:
        return crypto.decrypt(token, label=self.label)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self._open(value)

    def _open_serialised(self, value: str) -> str:
        """Open a ciphertext from a serialised copy (loaddata); typed input stays as typed.

        Nobody can forge a value that opens without the key, so text that only
        looks like a ciphertext is someone's input and is kept as plaintext. A
        key id the keyring lacks means a copy restored without its keys: refused.
        """
        if crypto.key_id_of(value) not in crypto.keyring().keys:
            raise exceptions.ValidationError(MSG_UNKNOWN_KEY.format(label=self.label), code="key")
        try:
            return self._open(value)
        except crypto.DecryptionError:
            return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and crypto.is_ciphertext(value):
            return self._open_serialised(value)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return self._seal(value)

    def value_to_string(self, obj: Any) -> str:
        # Serialised copies (dumpdata, backups) keep the ciphertext.
        return str(self.get_prep_value(self.value_from_object(obj)) or "")


class EncryptedJSONField(EncryptedTextField):
    """A JSON document encrypted whole at rest; Python sees dicts and lists."""

    description = "JSON encrypted at rest (AES-256-GCM)"
    # For django-stubs: dicts and lists in and out, like JSONField.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return json.loads(self._open(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and crypto.is_ciphertext(value):
            opened = self._open_serialised(value)
            return json.loads(opened) if opened is not value else value
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return value
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        return self._seal(text)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        try:
            json.dumps(value, cls=DjangoJSONEncoder)
        except TypeError as exc:
            raise exceptions.ValidationError(str(exc), code="invalid") from exc

    def value_to_string(self, obj: Any) -> str:
        return str(self.get_prep_value(self.value_from_object(obj)))


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """盲索引 The keyed HMAC of normalised source fields, computed on every save.

    ``purpose`` picks the normalisation and the HMAC sub-key
    (``crypto.INDEX_FUNCTIONS``); ``sources`` names the fields it is taken
    over, in order. "" when the source is empty.
    """

    description = "Keyed blind index (HMAC-SHA256) of encrypted fields"

    def __init__(
        self, *args: Any, purpose: str = "", sources: Sequence[str] = (), **kwargs: Any
    ) -> None:
        self.purpose = purpose
        self.sources = tuple(sources)
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        kwargs["sources"] = list(self.sources)
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        problems = super().check(**kwargs)
        if self.purpose not in crypto.INDEX_FUNCTIONS:
            problems.append(
                checks.Error(
                    f"Unknown blind-index purpose {self.purpose!r}.", obj=self, id="luohu.E102"
                )
            )
        return problems

    def compute(self, instance: Any) -> str:
        values = [getattr(instance, source) for source in self.sources]
        return crypto.INDEX_FUNCTIONS[self.purpose](values, None)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def refresh_blind_indexes(instance: models.Model) -> None:
    """Recompute every blind index of ``instance`` from its current plaintext."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, BlindIndexField):
            setattr(instance, field.attname, field.compute(instance))


class BlindIndexedModel(models.Model):
    """A model with blind indexes: ``full_clean`` sees them as ``save`` will write them.

    Without this the unique and check constraints on an index would be
    validated against its value before the first save, "".
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        refresh_blind_indexes(self)
        super().clean_fields(exclude=exclude)


def ciphertext_check(
    field_name: str, *, name: str, allow_blank: bool = False
) -> models.CheckConstraint:
    """A database constraint refusing anything but a ciphertext in ``field_name``.

    Plaintext written past the ORM (raw SQL, a careless import) is refused by
    the database itself.
    """
    as_text = Cast(field_name, output_field=models.TextField())
    condition: Any = StartsWith(as_text, f"{crypto.FORMAT}:")
    if allow_blank:
        condition = models.Q(condition) | models.Q(Exact(as_text, ""))
    return models.CheckConstraint(condition=condition, name=name)
