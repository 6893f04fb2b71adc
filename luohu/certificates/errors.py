"""Certificate refusals, each a (code, zh, en) triple like luohu.casework.errors."""

from __future__ import annotations

CERTIFICATE_HOLDER_NAME_REQUIRED = (
    "holder_name_required",
    "请填写持证人姓名",
    "the holder's name is required",
)
CERTIFICATE_SUBJECT_REQUIRED = (
    "subject_required",
    "请填写文书所涉事项编号",
    "the reference of what the document is about is required",
)
CERTIFICATE_COUNTY_INVALID = (
    "county_invalid",
    "签发地须为6位县级行政区划代码",
    "the issuing county must be a six-digit division code",
)
CERTIFICATE_KIND_INVALID = (
    "kind_invalid",
    "未知的文书类型",
    "unknown kind of document",
)
CERTIFICATE_PAYLOAD_INVALID = (
    "payload_invalid",
    "文书内容不完整或格式有误",
    "the document's content is incomplete or malformed",
)
CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID = (
    "payload_has_citizen_id",
    "文书内容不得含有完整的身份号码",
    "the document's content must not hold a full citizen id",
)
CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE = (
    "valid_until_before_issue",
    "有效期截止日不得早于签发日",
    "the last day of validity cannot be before the day of issue",
)
CERTIFICATE_REVOKE_REASON_REQUIRED = (
    "revoke_reason_required",
    "请选择撤销原因",
    "choose a reason for the revocation",
)
CERTIFICATE_REVOKE_NOTE_REQUIRED = (
    "revoke_note_required",
    "撤销原因为“其他”时须说明",
    "explain the revocation when its reason is 'other'",
)
CERTIFICATE_ALREADY_REVOKED = (
    "already_revoked",
    "该文书已被撤销",
    "this document has already been revoked",
)
CERTIFICATE_ACTION_NOT_ALLOWED = (
    "certificate_action_not_allowed",
    "您无权签发或撤销该辖区的文书",
    "you may not issue or revoke documents of this jurisdiction",
)


class CertificateActionNotAllowedError(PermissionError):
    """The acting user's role or jurisdiction does not cover the document."""

    def __init__(self) -> None:
        code, zh, en = CERTIFICATE_ACTION_NOT_ALLOWED
        self.code = code
        super().__init__(f"{zh} / {en}")
