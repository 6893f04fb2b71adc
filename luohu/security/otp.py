"""TOTP second factor for staff (django-otp): enrol, verify, reset. Every step audited.

A staff account has at most one TOTP device. Enrolment creates it
unconfirmed; the first correct code confirms it. Only a confirmed device
admits a sign-in; a security administrator's reset deletes it, so the next
sign-in enrols again.
"""

from __future__ import annotations

import io

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from luohu.accounts.models import User
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.common.errors import field_error

USER_OBJECT_TYPE = "accounts.user"
DEVICE_NAME = "authenticator"

OTP_CODE_WRONG = (
    "otp_wrong",
    "动态口令不正确或已过期，请输入验证器当前显示的6位数字",
    "the code is wrong or expired; enter the 6 digits your authenticator shows now",
)
OTP_THROTTLED = (
    "otp_throttled",
    "尝试过于频繁，请稍候几秒再输入",
    "too many tries; wait a few seconds before entering a code",
)
OTP_NOT_STAFF = (
    "otp_not_staff",
    "申请人账户不使用动态口令",
    "applicant accounts do not use a second factor",
)


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


_SELF = object()


def _record(
    event: AuditEventType,
    user: User,
    request: HttpRequest | None,
    acting_user: object = _SELF,
) -> None:
    audit_record(
        acting_user=user if acting_user is _SELF else acting_user,  # type: ignore[arg-type]
        event_type=event,
        obj_type=USER_OBJECT_TYPE,
        obj_id=user.pk,
        jurisdiction_code=user.jurisdiction_code,
        remote_addr=_address(request),
    )


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user: User) -> TOTPDevice:
    """Return the user's unconfirmed device, creating it (fresh random key) if none."""
    if not user.is_staff_role:
        raise field_error("user", OTP_NOT_STAFF)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> bytes:
    """The otpauth:// address of the device as an SVG QR code (served, never inline)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2)
    return out.getvalue()


def otp_enrol_confirm(*, request: HttpRequest, user: User, code: str) -> TOTPDevice:
    """Confirm the user's new device with a correct code and verify this session.

    A wrong code is recorded and refused; the record and the device's
    throttle count stand (they are committed before the error is raised).
    """
    with transaction.atomic():
        device = enrolment_device(user)
        _throttle_check(device)
        ok = device.verify_token(code.strip())
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            _record(AuditEventType.SECOND_FACTOR_ENROLLED, user, request)
            _verified(request, device)
        else:
            _record(AuditEventType.SECOND_FACTOR_FAILED, user, request)
    if not ok:
        raise field_error("code", OTP_CODE_WRONG)
    return device


def otp_verify(*, request: HttpRequest, user: User, code: str) -> TOTPDevice:
    """Check a code against the user's confirmed device; on success verify this session."""
    with transaction.atomic():
        device = confirmed_device(user)
        if device is not None:
            _throttle_check(device)
        ok = device is not None and device.verify_token(code.strip())
        if ok:
            _record(AuditEventType.SECOND_FACTOR_PASSED, user, request)
            _verified(request, device)  # type: ignore[arg-type]
        else:
            _record(AuditEventType.SECOND_FACTOR_FAILED, user, request)
    if not ok or device is None:
        raise field_error("code", OTP_CODE_WRONG)
    return device


def _throttle_check(device: TOTPDevice) -> None:
    # django-otp doubles the wait after each wrong code (OTP_TOTP_THROTTLE_FACTOR).
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise field_error("code", OTP_THROTTLED)


def _verified(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key at the step that grants full access (no fixation).
    request.session.cycle_key()
    otp_login(request, device)


@transaction.atomic
def otp_reset(*, acting_user: User, user: User, request: HttpRequest | None = None) -> int:
    """Delete the user's devices (lost phone): the next sign-in enrols again. Audited."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    _record(AuditEventType.SECOND_FACTOR_RESET, user, request, acting_user=acting_user)
    return removed


def otp_enrol_with_key(user: User, key_hex: str | None = None) -> TOTPDevice:
    """Give ``user`` a confirmed device at once (demo accounts and tests), audited."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        fields = {"key": key_hex} if key_hex else {}
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True, **fields)
        _record(AuditEventType.SECOND_FACTOR_ENROLLED, user, None, acting_user=None)
    return device


def base32_key(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator (base32, groups of four)."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
