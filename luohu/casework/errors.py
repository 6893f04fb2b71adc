"""Casework refusals, each with a stable code and a zh + en message."""

from __future__ import annotations

CASE_NOT_FOUND = ("case_not_found", "未找到该申请", "no such application")
CASE_ACTION_NOT_ALLOWED = (
    "case_action_not_allowed",
    "当前状态或您的角色不允许此操作",
    "this action is not allowed in the case's status or for your role",
)
CASE_CONFLICT = (
    "case_conflict",
    "该申请已被他人处理，请刷新后重试",
    "someone else acted on this application first; reload it and try again",
)
CASE_CONSENT_REQUIRED = (
    "consent_required",
    "申请落户须本人同意",
    "an application needs the applicant's own consent",
)
CASE_NOTE_REQUIRED = (
    "note_required",
    "请填写理由",
    "a reason is required for this action",
)
CASE_NOT_ELIGIBLE = (
    "not_eligible",
    "按受理之日有效的规则，申请人不符合落户条件，不能批准",
    "under the rules in force on the day of acceptance the applicant is not eligible; "
    "the case cannot be approved",
)
CASE_VERDICT_INVALID = (
    "verdict_invalid",
    "核查结论无效",
    "the verdict is not one of the allowed values",
)
CASE_NOT_A_POSSIBLE_DUPLICATE = (
    "not_a_possible_duplicate",
    "该申请不是待核查的疑似重复申请",
    "that application is not a possible duplicate of this one",
)
CASE_MEMBER_NAMES_MISMATCH = (
    "member_names_mismatch",
    "家庭成员姓名数与成员数不一致",
    "give one name for each family member",
)
CASE_SUBMISSION_KEY_REUSED = (
    "submission_key_reused",
    "该提交标识已用于他人的申请",
    "this submission key was already used for another person's application",
)
CASE_CONSENT_NOT_OPEN = (
    "consent_not_open",
    "登记后不能撤回落户意愿",
    "consent can no longer be withdrawn once the case is registered or closed",
)


class CaseworkError(Exception):
    """A refused casework request; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, spec: tuple[str, str, str]) -> None:
        self.code, self.message_zh, self.message_en = spec
        super().__init__(f"{self.message_zh} / {self.message_en}")

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


class CaseNotFoundError(CaseworkError):
    status = 404

    def __init__(self) -> None:
        super().__init__(CASE_NOT_FOUND)


class CaseActionNotAllowedError(CaseworkError):
    status = 403

    def __init__(self) -> None:
        super().__init__(CASE_ACTION_NOT_ALLOWED)


class CaseConflictError(CaseworkError):
    status = 409

    def __init__(self) -> None:
        super().__init__(CASE_CONFLICT)
