"""模型参数 Model parameters of the synthetic population, read from params.yaml.

Each parameter says whether it is a published figure, derived from
figures, or an assumption, so the platform can show assumptions as such.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PARAMS_PATH = Path(__file__).with_name("params.yaml")
BASES = ("figure", "derived", "assumption")


@dataclass(frozen=True)
class Parameter:
    name: str
    term_zh: str
    value: Any
    unit: str
    basis: str
    note: str
    extra: Mapping[str, Any]

    @property
    def is_assumption(self) -> bool:
        return self.basis == "assumption"


class Params(Mapping[str, Parameter]):
    """Read-only mapping of parameter name to Parameter."""

    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        self._parameters = dict(parameters)

    def __getitem__(self, name: str) -> Parameter:
        return self._parameters[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def value(self, name: str) -> Any:
        return self._parameters[name].value

    def assumptions(self) -> list[Parameter]:
        return [p for p in self._parameters.values() if p.is_assumption]


def load_params(path: Path | None = None) -> Params:
    """Load and check the parameters file."""
    raw = yaml.safe_load((path or PARAMS_PATH).read_text(encoding="utf-8"))
    parameters: dict[str, Parameter] = {}
    for name, entry in raw.items():
        missing = {"term_zh", "value", "unit", "basis", "note"} - set(entry)
        if missing:
            raise ValueError(f"parameter {name!r} lacks {sorted(missing)}")
        if entry["basis"] not in BASES:
            raise ValueError(f"parameter {name!r} has unknown basis {entry['basis']!r}")
        extra = {
            k: v for k, v in entry.items() if k not in {"term_zh", "value", "unit", "basis", "note"}
        }
        parameters[name] = Parameter(
            name=name,
            term_zh=entry["term_zh"],
            value=entry["value"],
            unit=entry["unit"],
            basis=entry["basis"],
            note=" ".join(str(entry["note"]).split()),
            extra=extra,
        )
    return Params(parameters)
