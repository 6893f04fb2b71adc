"""Property tests of date parsing in the citizen forms.

Whatever is typed into a date box, a form is valid or invalid; it never
raises. An invalid date is reported on its own field, in Chinese and in
English (``bilingual``), and a valid one is a real calendar date.
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from luohu.casework.forms import MemberForm, bilingual

_HAN = re.compile(r"[\u4e00-\u9fff]")

typed_dates = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\A\s*-?[0-9]{1,6}[-/.][0-9]{1,3}[-/.][0-9]{1,3}\s*\Z"),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "2024-02-30", "2023-02-29", "10000-01-01"]),
)


def assert_bilingual_on(form: object, field: str) -> None:
    errors = form.errors  # type: ignore[attr-defined]
    assert set(errors) == {field}, errors
    for message in bilingual(errors.as_data()[field][0]):
        assert _HAN.search(message) and re.search(r"[A-Za-z]", message), message


@settings(max_examples=200)
@given(typed_dates)
def test_a_members_birth_date_is_a_date_or_an_error_on_birth_date(typed: str) -> None:
    form = MemberForm({"relation": "child", "birth_date": typed, "co_residing": "yes"})
    if form.is_valid():
        assert isinstance(form.cleaned_data["birth_date"], dt.date)
        assert form.fact()["birth_date"] == form.cleaned_data["birth_date"].isoformat()
    else:
        assert_bilingual_on(form, "birth_date")
