"""审计事件类型 Audit event types.

Codes are stored in every audit entry and hashed into the chain, so a code is
never renumbered and never reused, as in Zulip's ``AuditLogEventType``. Each
domain owns a block of a hundred codes; gaps inside a block are reserved for
the events named in the comment beside them.
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class AuditEventType(IntEnum):
    # 0xx platform and security (等保 2.0 安全审计).
    LOGIN_SUCCEEDED = 1
    LOGIN_FAILED = 2
    LOGGED_OUT = 3
    ACCOUNT_LOCKED = 4
    ACCOUNT_UNLOCKED = 5
    SECOND_FACTOR_PASSED = 6
    SECOND_FACTOR_FAILED = 7
    SECOND_FACTOR_ENROLLED = 8
    SECOND_FACTOR_RESET = 9
    USER_CREATED = 10
    ROLE_CHANGED = 11
    JURISDICTION_CHANGED = 12
    PASSWORD_CHANGED = 13
    USER_DEACTIVATED = 14
    PERMISSIONS_CHANGED = 15
    SESSION_EXPIRED = 16
    # 17–29 reserved: further account and permission changes.
    PERSONAL_DATA_VIEWED = 30
    PERSONAL_DATA_UNMASKED = 31
    EXPORT_CREATED = 32
    # 33–49 reserved: downloads, prints, bulk reads of personal data.
    AUDIT_VERIFIED = 50
    AUDIT_SEARCHED = 51
    BACKUP_CREATED = 52
    BACKUP_RESTORED = 53
    # 54–59 reserved: settings.
    FIELD_KEYS_ROTATED = 60
    # 61–99 reserved: key management.

    # 1xx registry (户籍登记).
    DIVISIONS_LOADED = 100
    # 101–109 reserved: division corrections.
    PERSON_REGISTERED = 110
    # 111–119 reserved: person corrections (name, id), deaths.
    HOUSEHOLD_CREATED = 120
    HOUSEHOLD_CLOSED = 121
    # 122–129 reserved: household head changes, splits, merges.
    HUKOU_MOVED_IN = 130
    HUKOU_MOVED_OUT = 131
    # 132–139 reserved: hukou corrections, cancellations.
    RESIDENCE_RECORDED = 140
    RESIDENCE_ENDED = 141
    # 142–199 reserved.

    # 2xx casework (办件).
    CASE_SUBMITTED = 200
    CASE_ACCEPTED = 201
    CASE_MATERIALS_REQUESTED = 202
    CASE_MATERIALS_SUPPLIED = 203
    CASE_APPROVED = 204
    CASE_REFUSED = 205
    CASE_REGISTERED = 206
    CASE_WITHDRAWN = 207
    CASE_DUPLICATE_REVIEWED = 208
    # 208–219 reserved: assignment, reopening, transfer between counties.
    CONSENT_GIVEN = 220
    CONSENT_WITHDRAWN = 221
    DOCUMENT_UPLOADED = 222
    # 223–239 reserved: family members, documents.
    CERTIFICATE_ISSUED = 240
    CERTIFICATE_REVOKED = 241
    CERTIFICATE_VERIFIED = 242
    CERTIFICATE_VALIDITY_CHANGED = 243
    # 244–299 reserved: certificates (准迁证, 落户证明) and their corrections.

    # 3xx residence permits (居住证).
    PERMIT_ISSUED = 300
    PERMIT_RENEWED = 301
    PERMIT_REVOKED = 302
    PERMIT_APPLIED = 303
    PERMIT_CHECKED = 304
    PERMIT_REFUSED = 305
    PERMIT_ENDORSED = 306
    PERMIT_SUSPENDED = 307
    PERMIT_REINSTATED = 308
    PERMIT_REPLACED = 309
    PERMIT_EXPIRED = 310
    PERMIT_CLOSED_BY_SETTLEMENT = 311
    # 312–399 reserved: permit corrections, transfers between counties.

    # 4xx finance (资金).
    # 400–499 reserved: allocations, transfers, reward funds, disbursements.

    # 5xx policy (政策).
    # 500–599 reserved: parameter versions, county overrides, rule versions.

    # 6xx monitoring (监测): indicators, targets, approved figures.
    INDICATORS_COMPUTED = 600
    COUNTY_TARGETS_SET = 601
    # 602–609 reserved: target revisions, evaluations (2018 mid-term, 2020 summary).
    FIGURES_SUBMITTED = 610
    FIGURES_APPROVED = 611
    FIGURES_REOPENED = 612
    # 613–619 reserved: figures corrections, publication in the bulletin.
    WHATIF_SAVED = 620
    # 621–699 reserved.

    @property
    def domain(self) -> str:
        return DOMAINS[self.value // 100]


DOMAINS: dict[int, str] = {
    0: "platform",
    1: "registry",
    2: "casework",
    3: "permits",
    4: "finance",
    5: "policy",
    6: "monitoring",
}

# Events that touch a person's own record and so appear in "who viewed my
# record" for that person.
PERSON_VIEW_EVENTS: frozenset[AuditEventType] = frozenset(
    {AuditEventType.PERSONAL_DATA_VIEWED, AuditEventType.PERSONAL_DATA_UNMASKED}
)

# Events whose meaning depends on why they happened: the service refuses them
# without a reason.
REASON_REQUIRED_EVENTS: frozenset[AuditEventType] = frozenset(
    {
        AuditEventType.PERSONAL_DATA_UNMASKED,
        AuditEventType.EXPORT_CREATED,
        AuditEventType.FIGURES_REOPENED,
    }
)

# Security events keep the client address (等保 2.0 8.1.4.3 b: who, when,
# from where); other events keep only the request id.
ADDRESS_KEPT_EVENTS: frozenset[AuditEventType] = frozenset(
    {
        AuditEventType.LOGIN_SUCCEEDED,
        AuditEventType.LOGIN_FAILED,
        AuditEventType.LOGGED_OUT,
        AuditEventType.ACCOUNT_LOCKED,
        AuditEventType.ACCOUNT_UNLOCKED,
        AuditEventType.SECOND_FACTOR_PASSED,
        AuditEventType.SECOND_FACTOR_FAILED,
        AuditEventType.SECOND_FACTOR_ENROLLED,
        AuditEventType.SECOND_FACTOR_RESET,
    }
)

# 中文 / English labels for the auditor's page.
EVENT_LABELS: dict[AuditEventType, tuple[str, str]] = {
    AuditEventType.LOGIN_SUCCEEDED: ("登录成功", "login succeeded"),
    AuditEventType.LOGIN_FAILED: ("登录失败", "login failed"),
    AuditEventType.LOGGED_OUT: ("退出登录", "logged out"),
    AuditEventType.ACCOUNT_LOCKED: ("账户锁定", "account locked"),
    AuditEventType.ACCOUNT_UNLOCKED: ("账户解锁", "account unlocked"),
    AuditEventType.SECOND_FACTOR_PASSED: ("动态口令验证通过", "second factor passed"),
    AuditEventType.SECOND_FACTOR_FAILED: ("动态口令验证失败", "second factor failed"),
    AuditEventType.SECOND_FACTOR_ENROLLED: ("绑定动态口令", "second factor enrolled"),
    AuditEventType.SECOND_FACTOR_RESET: ("重置动态口令", "second factor reset"),
    AuditEventType.USER_CREATED: ("创建用户", "user created"),
    AuditEventType.ROLE_CHANGED: ("角色变更", "role changed"),
    AuditEventType.JURISDICTION_CHANGED: ("管辖范围变更", "jurisdiction changed"),
    AuditEventType.PASSWORD_CHANGED: ("修改密码", "password changed"),
    AuditEventType.USER_DEACTIVATED: ("停用用户", "user deactivated"),
    AuditEventType.PERMISSIONS_CHANGED: ("权限变更", "permissions changed"),
    AuditEventType.SESSION_EXPIRED: ("会话超时退出", "session expired (idle)"),
    AuditEventType.PERSONAL_DATA_VIEWED: ("查看个人信息", "personal data viewed"),
    AuditEventType.PERSONAL_DATA_UNMASKED: ("查看完整个人信息", "personal data unmasked"),
    AuditEventType.EXPORT_CREATED: ("导出数据", "export created"),
    AuditEventType.AUDIT_VERIFIED: ("审计链校验", "audit chain verified"),
    AuditEventType.AUDIT_SEARCHED: ("查询审计记录", "audit trail searched"),
    AuditEventType.BACKUP_CREATED: ("创建备份", "backup created"),
    AuditEventType.BACKUP_RESTORED: ("从备份恢复", "restored from a backup"),
    AuditEventType.FIELD_KEYS_ROTATED: ("字段加密密钥轮换", "field encryption keys rotated"),
    AuditEventType.DIVISIONS_LOADED: ("载入行政区划", "divisions loaded"),
    AuditEventType.PERSON_REGISTERED: ("登记人员", "person registered"),
    AuditEventType.HOUSEHOLD_CREATED: ("立户", "household created"),
    AuditEventType.HOUSEHOLD_CLOSED: ("销户", "household closed"),
    AuditEventType.HUKOU_MOVED_IN: ("户口迁入", "hukou moved in"),
    AuditEventType.HUKOU_MOVED_OUT: ("户口迁出", "hukou moved out"),
    AuditEventType.RESIDENCE_RECORDED: ("登记居住信息", "residence recorded"),
    AuditEventType.RESIDENCE_ENDED: ("居住登记终止", "residence ended"),
    AuditEventType.CASE_SUBMITTED: ("提交申请", "case submitted"),
    AuditEventType.CASE_ACCEPTED: ("受理", "case accepted"),
    AuditEventType.CASE_MATERIALS_REQUESTED: ("要求补正材料", "materials requested"),
    AuditEventType.CASE_MATERIALS_SUPPLIED: ("补正材料", "materials supplied"),
    AuditEventType.CASE_APPROVED: ("准予落户", "case approved"),
    AuditEventType.CASE_REFUSED: ("不予落户", "case refused"),
    AuditEventType.CASE_REGISTERED: ("办理落户登记", "settlement registered"),
    AuditEventType.CASE_WITHDRAWN: ("撤回申请", "case withdrawn"),
    AuditEventType.CASE_DUPLICATE_REVIEWED: ("核查疑似重复申请", "possible duplicate reviewed"),
    AuditEventType.CONSENT_GIVEN: ("同意落户", "consent given"),
    AuditEventType.CONSENT_WITHDRAWN: ("撤回同意", "consent withdrawn"),
    AuditEventType.DOCUMENT_UPLOADED: ("上传材料", "document uploaded"),
    AuditEventType.CERTIFICATE_ISSUED: ("签发证明文书", "certificate issued"),
    AuditEventType.CERTIFICATE_REVOKED: ("撤销证明文书", "certificate revoked"),
    AuditEventType.CERTIFICATE_VERIFIED: ("核验证明文书", "certificate verified"),
    AuditEventType.CERTIFICATE_VALIDITY_CHANGED: ("变更文书有效期", "certificate validity changed"),
    AuditEventType.PERMIT_ISSUED: ("签发居住证", "residence permit issued"),
    AuditEventType.PERMIT_RENEWED: ("居住证续签", "residence permit renewed"),
    AuditEventType.PERMIT_REVOKED: ("注销居住证", "residence permit revoked"),
    AuditEventType.PERMIT_APPLIED: ("申领居住证", "residence permit applied for"),
    AuditEventType.PERMIT_CHECKED: ("核查居住证申领条件", "residence permit conditions checked"),
    AuditEventType.PERMIT_REFUSED: ("不予签发居住证", "residence permit refused"),
    AuditEventType.PERMIT_ENDORSED: ("居住证签注", "residence permit endorsed"),
    AuditEventType.PERMIT_SUSPENDED: ("中止居住证", "residence permit suspended"),
    AuditEventType.PERMIT_REINSTATED: ("恢复居住证", "residence permit reinstated"),
    AuditEventType.PERMIT_REPLACED: ("补领居住证", "residence permit card replaced"),
    AuditEventType.PERMIT_EXPIRED: ("居住证到期", "residence permit expired"),
    AuditEventType.PERMIT_CLOSED_BY_SETTLEMENT: (
        "落户后注销居住证",
        "residence permit closed on settlement",
    ),
    AuditEventType.INDICATORS_COMPUTED: ("计算城镇化指标", "indicators computed"),
    AuditEventType.COUNTY_TARGETS_SET: ("设定县级目标", "county targets set"),
    AuditEventType.FIGURES_SUBMITTED: ("报送年度数据", "year figures submitted"),
    AuditEventType.FIGURES_APPROVED: ("审定并锁定年度数据", "year figures approved and locked"),
    AuditEventType.FIGURES_REOPENED: ("重新开放年度数据", "year figures reopened"),
    AuditEventType.WHATIF_SAVED: ("保存情景推演", "what-if scenario saved"),
}


def event_label(code: int) -> str:
    """Return "中文 / English" for a code, or the bare number if unknown."""
    try:
        zh, en = EVENT_LABELS[AuditEventType(code)]
    except (ValueError, KeyError):
        return str(code)
    return f"{zh} / {en}"
