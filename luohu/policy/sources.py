"""政策原文 The plan's text as data, clause by clause.

``sources/<DOC>.yaml`` holds the only copy of each document's Chinese text. A
citation is ``<DOC>:<clause>``, e.g. ``AY2018-19:2.2`` for 二（二）.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SOURCES_DIR = Path(__file__).parent / "sources"
PLAN = "AY2018-19"

_CITATION = re.compile(r"^(?P<doc>[A-Z][A-Z0-9-]*):(?P<clause>[0-9a-z.]+)$")
_WHITESPACE = re.compile(r"\s+")


class UnknownCitation(LookupError):  # noqa: N818 - the name the style guide and issue use
    """A citation names a document or clause that the sources do not hold."""


@dataclass(frozen=True)
class Clause:
    citation: str
    heading: str
    text: str
    not_encoded: str | None

    @property
    def clause_id(self) -> str:
        return self.citation.split(":", 1)[1]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    document_number: str
    issued_on: dt.date
    in_force_from: dt.date
    clauses: dict[str, Clause]


def normalize_text(text: str) -> str:
    """Drop all whitespace: the plan's printed layout carries no meaning."""
    return _WHITESPACE.sub("", text)


def load_source(path: Path) -> Source:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc = data["id"]
    clauses = {
        str(key): Clause(
            citation=f"{doc}:{key}",
            heading=str(body.get("heading", "")),
            text=str(body["text"]),
            not_encoded=body.get("not_encoded"),
        )
        for key, body in data["clauses"].items()
    }
    return Source(
        id=doc,
        title=data["title"],
        document_number=data["document_number"],
        issued_on=data["issued_on"],
        in_force_from=data["in_force_from"],
        clauses=clauses,
    )


@cache
def sources() -> dict[str, Source]:
    """Every source document in ``sources/``, by id."""
    loaded = (load_source(path) for path in sorted(SOURCES_DIR.glob("*.yaml")))
    return {source.id: source for source in loaded}


def parse_citation(citation: str) -> tuple[str, str]:
    match = _CITATION.match(citation)
    if match is None:
        raise UnknownCitation(f"not a citation of the form DOC:clause: {citation!r}")
    return match["doc"], match["clause"]


def clause(citation: str) -> Clause:
    """Return the clause a citation points at, or raise UnknownCitation."""
    doc, clause_id = parse_citation(citation)
    source = sources().get(doc)
    if source is None:
        raise UnknownCitation(f"no source document {doc!r} (citation {citation!r})")
    try:
        return source.clauses[clause_id]
    except KeyError:
        raise UnknownCitation(f"{doc} has no clause {clause_id!r}") from None


def all_clauses() -> list[Clause]:
    return [c for source in sources().values() for c in source.clauses.values()]


def plan() -> Source:
    return sources()[PLAN]
