from __future__ import annotations

from typing import Any

import pytest

from luohu.registry.services import LoadResult
from luohu.registry.testing import load_reference_divisions


@pytest.fixture
def reference_divisions(db: Any) -> LoadResult:
    """The reference divisions of Anyang, both vintages, in the test database."""
    return load_reference_divisions()
