"""The document lists (local settings) are well-formed bilingual entries."""

from __future__ import annotations

from typing import Any

from luohu.policy.parameters import default_parameters


def _entries(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [entry for items in value.values() for entry in _entries(items)]
    return list(value)


def test_every_document_has_exactly_a_code_and_both_labels() -> None:
    """A comma in an unquoted YAML label once split an entry into extra keys."""
    params = default_parameters()
    for path in ("local/documents/common", "local/documents/by_channel"):
        parameter = params.parameters[path]
        for dated in parameter.values:
            if dated.value is None:
                continue
            for entry in _entries(dated.value):
                assert set(entry) == {"code", "zh", "en"}, (path, entry)
                assert all(isinstance(entry[k], str) and entry[k] for k in entry), (path, entry)
