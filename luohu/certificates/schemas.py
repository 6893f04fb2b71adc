"""What each kind of document states: its payload, validated on issue.

Payload values are the document's own words as printed (Chinese place names,
the issuing office); the labels around them are translated on the page.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from luohu.certificates.models import CertificateKind

# `<DOC>:<clause>`, as in STYLE.md 3.1: AY2018-19:2.3, SC663:12.
CLAUSE_PATTERN = r"^[A-Z][A-Z0-9-]*:[0-9A-Za-z.]+$"


class MemberAdmitted(BaseModel):
    """随迁人员 A family member admitted with the holder; the name is masked on issue."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    # As printed on the notice: 配偶, 子女, 父母 ...
    relation: str = Field(min_length=1, max_length=16)


class SettlementNoticePayload(BaseModel):
    """准予迁入（落户）通知 What a settlement notice states."""

    model_config = ConfigDict(extra="forbid")

    destination: str = Field(min_length=1, max_length=128)
    members: list[MemberAdmitted] = Field(default_factory=list, max_length=20)
    decided_on: dt.date
    issuing_office: str = Field(min_length=1, max_length=64)
    clause: str = Field(pattern=CLAUSE_PATTERN, max_length=32)


class ResidencePermitPayload(BaseModel):
    """电子居住证 What an electronic residence permit states."""

    model_config = ConfigDict(extra="forbid")

    residence_place: str = Field(min_length=1, max_length=128)
    issuing_office: str = Field(min_length=1, max_length=64)
    clause: str = Field(pattern=CLAUSE_PATTERN, max_length=32)


PAYLOAD_SCHEMAS: dict[str, type[SettlementNoticePayload] | type[ResidencePermitPayload]] = {
    CertificateKind.SETTLEMENT_NOTICE: SettlementNoticePayload,
    CertificateKind.RESIDENCE_PERMIT: ResidencePermitPayload,
}
