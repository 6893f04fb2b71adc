"""Property tests of the upload checks: magic bytes, size, type and member.

For any bytes, name, size limit, document type and member position,
``documents_check`` returns one content type per file or raises
``FieldError``; each problem names the upload's field and says what is wrong
in Chinese and English. A file is accepted exactly when its first bytes are
a PDF, JPEG or PNG signature and it is neither empty nor over the limit.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luohu.casework.documents import (
    DOCUMENT_EMPTY,
    DOCUMENT_MEMBER_UNKNOWN,
    DOCUMENT_TOO_LARGE,
    DOCUMENT_TYPE_NOT_ALLOWED,
    DOCUMENT_TYPE_UNKNOWN,
    DocumentUpload,
    document_types,
    documents_check,
)
from luohu.casework.models import DocumentContentType
from luohu.common.errors import FieldError

ON = dt.date(2024, 5, 6)
KNOWN = [t.code for t in document_types(ON)]
_HAN = re.compile(r"[\u4e00-\u9fff]")
SIGNATURES = {
    b"%PDF": DocumentContentType.PDF,
    b"\xff\xd8\xff": DocumentContentType.JPEG,
    b"\x89PNG": DocumentContentType.PNG,
}

heads = st.sampled_from([*SIGNATURES, b"", b"%PD", b"\x89PN", b"GIF8", b"PK\x03\x04", b"\xff\xd8"])
contents = st.builds(lambda head, tail: head + tail, heads, st.binary(max_size=64))
names = st.text(max_size=40).map(lambda s: s.replace("/", "_").replace("\\", "_") or "f")
uploads = st.builds(
    lambda i, content, name, kind, member: (
        i,
        content,
        DocumentUpload(
            field=f"documents[{i}]",
            document_type=kind,
            member_position=member,
            file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        ),
    ),
    st.integers(min_value=0, max_value=9),
    contents,
    names,
    st.one_of(st.sampled_from(KNOWN), st.text(max_size=12)),
    st.one_of(st.none(), st.integers(min_value=-3, max_value=25)),
)


def expected_type(content: bytes) -> DocumentContentType | None:
    return next((t for sig, t in SIGNATURES.items() if content.startswith(sig)), None)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(uploads, max_size=4, unique_by=lambda u: u[0]),
    st.integers(min_value=1, max_value=80),
    st.integers(min_value=0, max_value=5),
)
def test_any_files_give_their_types_or_bilingual_errors_on_their_fields(
    items: list[tuple[int, bytes, DocumentUpload]], limit: int, members: int
) -> None:
    expected: dict[str, set[str]] = {}
    for _i, content, upload in items:
        codes = set()
        if upload.document_type not in KNOWN:
            codes.add(DOCUMENT_TYPE_UNKNOWN[0])
        elif not content:
            codes.add(DOCUMENT_EMPTY[0])
        elif len(content) > limit:
            codes.add(DOCUMENT_TOO_LARGE[0])
        elif expected_type(content) is None:
            codes.add(DOCUMENT_TYPE_NOT_ALLOWED[0])
        if upload.member_position is not None and not 0 <= upload.member_position < members:
            codes.add(DOCUMENT_MEMBER_UNKNOWN[0])
        if codes:
            expected[upload.field] = codes
    with override_settings(CASEWORK_UPLOAD_MAX_BYTES=limit):
        try:
            result = documents_check([u for _i, _c, u in items], on=ON, members=members)
        except FieldError as exc:
            found: dict[str, set[str]] = {}
            for problem in exc.problems:
                found.setdefault(problem.field, set()).add(problem.code)
                assert _HAN.search(problem.message_zh), problem
                assert re.search(r"[A-Za-z]", problem.message_en), problem
            assert found == expected
        else:
            assert expected == {}
            assert result == [expected_type(c) for _i, c, _u in items]
