"""One masking rule for every screen, export, API answer, certificate and audit entry."""

from __future__ import annotations

import pytest

from luohu.audit.masking import mask_name as audit_mask_name
from luohu.casework.schemas import mask_name as casework_mask_name
from luohu.certificates.masking import mask_holder_name
from luohu.common.masking import mask_citizen_id, mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三丰", "张**"), ("王五", "王*"), ("王", "王*"), (" 欧阳娜娜 ", "欧***"), ("", "")],
)
def test_a_name_keeps_its_first_character_and_is_never_shown_whole(name: str, masked: str) -> None:
    assert mask_name(name) == masked
    assert audit_mask_name(name) == casework_mask_name(name) == mask_holder_name(name) == masked


def test_a_citizen_id_keeps_its_division_and_last_four() -> None:
    assert mask_citizen_id("41052619880506011X") == "410526********011X"
