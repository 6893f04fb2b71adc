"""Field-level errors in Chinese and English, shared by every input channel.

Pure Python: the policy engine, the CLI, forms and the API all raise or
render the same error so a clerk, a citizen and an integrator read the same
reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    def __str__(self) -> str:
        return f"{self.field}: {self.message_zh} / {self.message_en}"


class FieldError(ValueError):
    """One or more field problems; str() gives one bilingual line per problem."""

    def __init__(self, problems: list[FieldProblem] | FieldProblem) -> None:
        self.problems = [problems] if isinstance(problems, FieldProblem) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


def field_error(field: str, spec: tuple[str, str, str]) -> FieldError:
    """The FieldError for one problem given as a ``(code, zh, en)`` message constant."""
    code, message_zh, message_en = spec
    return FieldError(FieldProblem(field, code, message_zh, message_en))
