"""Test helpers other apps may use: the reference divisions, loaded."""

from __future__ import annotations

from luohu.registry.services import LoadResult, divisions_load


def load_reference_divisions() -> LoadResult:
    """Load the reference divisions into the (test) database."""
    return divisions_load()
