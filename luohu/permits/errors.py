"""Residence-permit refusals, each a (code, zh, en) triple like luohu.casework.errors."""

from __future__ import annotations

from luohu.casework.errors import CaseworkError

PERMIT_NOT_FOUND = ("permit_not_found", "未找到该居住证", "no such residence permit")
PERMIT_ACTION_NOT_ALLOWED = (
    "permit_action_not_allowed",
    "当前状态或您的角色不允许此操作",
    "this action is not allowed in the permit's status or for your role",
)
PERMIT_CONFLICT = (
    "permit_conflict",
    "该居住证已被他人处理，请刷新后重试",
    "someone else acted on this permit first; reload it and try again",
)
PERMIT_BASIS_INVALID = (
    "basis_invalid",
    "请选择申领依据：合法稳定就业、合法稳定住所或连续就读",
    "choose the basis: legal stable employment, legal stable residence or continuous study",
)
PERMIT_DIVISION_NOT_TOWNSHIP = (
    "residence_division_not_township",
    "居住地须为乡级区划（街道、镇、乡）",
    "the place of residence must be a township-level division (subdistrict, town, township)",
)
PERMIT_DIVISION_OUT_OF_REACH = (
    "residence_division_out_of_reach",
    "居住地不在您的辖区内",
    "the place of residence is outside your jurisdiction",
)
PERMIT_NAME_MISMATCH = (
    "name_mismatch",
    "姓名与户籍登记不一致",
    "the name differs from the one in the registry",
)
# For a citizen online, "not in the registry" and "wrong name" read the same,
# so the form cannot be used to learn whether an id is registered.
PERMIT_IDENTITY_NOT_MATCHED = (
    "identity_not_matched",
    "公民身份号码与姓名不匹配，或尚未办理居住登记",
    "the citizen id and name do not match a registered person; residence registration comes first",
)
PERMIT_ALREADY_LIVE = (
    "permit_already_live",
    "该人员已有有效的居住证或正在办理的申请",
    "this person already holds a live residence permit or has an open application",
)
PERMIT_NOTE_REQUIRED = ("note_required", "请填写理由", "a reason is required for this action")
PERMIT_NOT_CHECKED = (
    "not_checked",
    "尚未核查申领条件，不能签发",
    "the conditions have not been checked; the permit cannot be issued",
)
PERMIT_NOT_ELIGIBLE = (
    "not_eligible",
    "核查结果不符合申领条件（SC663:2），不能签发",
    "the check found the conditions of SC663:2 unmet; the permit cannot be issued",
)
PERMIT_ENDORSEMENT_TOO_EARLY = (
    "endorsement_too_early",
    "签注应在居住每满1年之日前1个月内办理（SC663:10），办理期尚未开始",
    "the endorsement is made within the month before each full year (SC663:10); "
    "its window has not opened yet",
)
PERMIT_NOT_EXPIRED = (
    "not_expired",
    "居住证有效期限尚未届满",
    "the permit's fixed term has not ended",
)
PERMIT_TERM_ENDED = (
    "term_ended",
    "居住证有效期限已届满，不能再签注",
    "the permit's fixed term has ended; it cannot be endorsed",
)
PERMIT_REPLACEMENT_REASON_REQUIRED = (
    "replacement_reason_required",
    "请选择补领原因：遗失或损坏",
    "choose why a new card is needed: lost or damaged",
)


class PermitError(CaseworkError):
    """A refusal that is not about one field: not found, not allowed, conflict.

    Permits are casework of the same workbench, so their refusals are
    casework refusals: the same status mapping and the same page messages.
    """


class PermitNotFoundError(PermitError):
    status = 404

    def __init__(self) -> None:
        super().__init__(PERMIT_NOT_FOUND)


class PermitActionNotAllowedError(PermitError):
    status = 403

    def __init__(self) -> None:
        super().__init__(PERMIT_ACTION_NOT_ALLOWED)


class PermitConflictError(PermitError):
    status = 409

    def __init__(self) -> None:
        super().__init__(PERMIT_CONFLICT)
