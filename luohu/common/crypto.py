"""字段加密 Field encryption and blind indexes for personal data at rest.

Citizen ids and names are stored as AES-256-GCM ciphertexts, each carrying
the id of the key that sealed it, so keys can rotate while old rows stay
readable. Exact look-ups go through a keyed blind index (HMAC-SHA256 under
a separate key) of the normalised value: the database can match equal
values without holding them.

The keys come from ``settings.LUOHU_FIELD_KEYS`` (read from the environment
variable of the same name in production, from a private file under ``var/``
in development and tests), never from the database. Pure Python apart from
that one setting, so ``luohu.config.env`` can validate keys at start-up.

Key specification: comma-separated ``name=base64url`` entries of 32 bytes
each. ``index`` is the blind-index key; every positive integer names an
encryption key. The highest number seals new values; all of them open old
ones. Example: ``index=…,2=…,1=…``.

Ciphertext: ``e1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``. ``e1`` is
the format (AES-256-GCM, 96-bit random nonce); the associated data binds a
ciphertext to its column, so a value copied into another column does not
open.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "e1"
KEY_BYTES = 32
NONCE_BYTES = 12
INDEX_KEY_NAME = "index"
_TOKEN = re.compile(r"e1:([0-9]{1,5}):([A-Za-z0-9_-]{38,})")

MSG_KEYS_MISSING = (
    "未配置字段加密密钥 LUOHU_FIELD_KEYS。 "
    "LUOHU_FIELD_KEYS is not set: personal data cannot be encrypted or read."
)
MSG_KEYS_INVALID = "字段加密密钥 LUOHU_FIELD_KEYS 无效：{zh}。 LUOHU_FIELD_KEYS is not valid: {en}."


class KeyConfigurationError(ValueError):
    """The key specification is missing or malformed; the message names the problem, not a key."""


class DecryptionError(ValueError):
    """A stored value does not open: not a ciphertext, an unknown key, or tampered with."""


@dataclass(frozen=True)
class Keyring:
    """The encryption keys by id and the blind-index key."""

    keys: dict[int, bytes]
    index_key: bytes
    _ciphers: dict[int, AESGCM] = field(default_factory=dict, compare=False, repr=False)
    _index_subkeys: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            self._ciphers[key_id] = AESGCM(key)

    def __repr__(self) -> str:
        # Never print key material.
        return f"Keyring(key_ids={sorted(self.keys)}, index_key=…)"

    @property
    def current_key_id(self) -> int:
        return max(self.keys)

    def cipher(self, key_id: int) -> AESGCM:
        try:
            return self._ciphers[key_id]
        except KeyError:
            raise DecryptionError(f"unknown field key id {key_id}") from None

    def index_subkey(self, purpose: str) -> bytes:
        """A key per purpose, so a citizen-id index never equals a name index."""
        cached = self._index_subkeys.get(purpose)
        if cached is None:
            label = f"luohu blind index v1 {purpose}".encode()
            cached = hmac.new(self.index_key, label, hashlib.sha256).digest()
            self._index_subkeys[purpose] = cached
        return cached


def _invalid(zh: str, en: str) -> KeyConfigurationError:
    return KeyConfigurationError(MSG_KEYS_INVALID.format(zh=zh, en=en))


def _decode_key(name: str, text: str) -> bytes:
    try:
        if not re.fullmatch(r"[A-Za-z0-9_-]+=*", text):
            raise ValueError(name)
        key = base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise _invalid(f"密钥 {name} 不是 base64url", f"key {name} is not base64url") from None
    if len(key) != KEY_BYTES:
        raise _invalid(f"密钥 {name} 须为32字节", f"key {name} must be {KEY_BYTES} bytes")
    return key


@functools.lru_cache(maxsize=8)
def parse_keys(spec: str | None) -> Keyring:
    """Parse a key specification; raise KeyConfigurationError naming the problem."""
    if not spec or not spec.strip():
        raise KeyConfigurationError(MSG_KEYS_MISSING)
    keys: dict[int, bytes] = {}
    index_key: bytes | None = None
    for entry in spec.split(","):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, text = entry.partition("=")
        name = name.strip()
        if not sep:
            raise _invalid("每项应为 名称=密钥", "each entry must be name=key")
        key = _decode_key(name, text.strip())
        if name == INDEX_KEY_NAME:
            if index_key is not None:
                raise _invalid("index 密钥重复", "the index key is given twice")
            index_key = key
        elif name.isascii() and name.isdigit() and 0 < int(name) < 100_000:
            if int(name) in keys:
                raise _invalid(f"密钥编号 {name} 重复", f"key id {name} is given twice")
            keys[int(name)] = key
        else:
            raise _invalid(
                f"密钥名 {name!r} 应为 index 或正整数",
                f"key name {name!r} must be 'index' or a positive integer",
            )
    if index_key is None:
        raise _invalid("缺少 index 密钥", "the blind-index key 'index' is missing")
    if not keys:
        raise _invalid("缺少加密密钥", "no encryption key (a positive integer id) is given")
    if index_key in keys.values():
        raise _invalid(
            "index 密钥不得与加密密钥相同", "the index key must differ from the encryption keys"
        )
    return Keyring(keys=keys, index_key=index_key)


def generate_key() -> str:
    """A new random 32-byte key, base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).rstrip(b"=").decode()


def generate_spec() -> str:
    """A fresh specification with one encryption key and an index key."""
    return f"{INDEX_KEY_NAME}={generate_key()},1={generate_key()}"


def keyring() -> Keyring:
    """The keyring of the running settings."""
    from django.conf import settings

    return parse_keys(getattr(settings, "LUOHU_FIELD_KEYS", None))


def _aad(label: str) -> bytes:
    return f"luohu:{label}".encode()


def encrypt(plaintext: str, *, label: str, ring: Keyring | None = None) -> str:
    """Seal ``plaintext`` under the newest key, bound to ``label`` (the column)."""
    ring = ring or keyring()
    key_id = ring.current_key_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.cipher(key_id).encrypt(nonce, plaintext.encode(), _aad(label))
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
    return f"{FORMAT}:{key_id}:{body}"


def is_ciphertext(value: str) -> bool:
    return bool(_TOKEN.fullmatch(value))


def key_id_of(token: str) -> int:
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise DecryptionError("not a field ciphertext")
    return int(match.group(1))


def decrypt(token: str, *, label: str, ring: Keyring | None = None) -> str:
    """Open a ciphertext of ``label``; DecryptionError if it is not one or does not open."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        # The value itself is not repeated: it may be plaintext.
        raise DecryptionError(f"{label}: the stored value is not a field ciphertext")
    ring = ring or keyring()
    raw = base64.urlsafe_b64decode(match.group(2) + "=" * (-len(match.group(2)) % 4))
    try:
        plain = ring.cipher(int(match.group(1))).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(label)
        )
    except InvalidTag:
        raise DecryptionError(
            f"{label}: the stored value does not open (wrong key or altered)"
        ) from None
    return plain.decode()


# Blind indexes ---------------------------------------------------------------

_NAME_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", "∙": "·"})


def normalise_citizen_id(value: str) -> str:
    """Full-width to ASCII, no spaces or hyphens, check character upper-case."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s-]", "", text).upper()


def looks_like_citizen_id(value: str) -> bool:
    """Whether typed input is shaped like a citizen id (18 characters, not checked)."""
    return bool(re.fullmatch(r"[0-9]{17}[0-9X]", normalise_citizen_id(value)))


def normalise_name(value: str) -> str:
    """NFKC, no whitespace, one kind of middle dot (少数民族 names), case-folded."""
    text = unicodedata.normalize("NFKC", value or "").translate(_NAME_DOTS)
    return re.sub(r"\s", "", text).casefold()


def _index(purpose: str, message: str, ring: Keyring | None) -> str:
    ring = ring or keyring()
    return hmac.new(ring.index_subkey(purpose), message.encode(), hashlib.sha256).hexdigest()


def citizen_id_index(value: str, *, ring: Keyring | None = None) -> str:
    """The blind index of a citizen id; "" for an empty id."""
    number = normalise_citizen_id(value)
    return _index("citizen_id", number, ring) if number else ""


def name_birth_index(name: str, birth_date: dt.date | None, *, ring: Keyring | None = None) -> str:
    """The blind index of a name with a birth date, for duplicate checks; "" if either is missing."""
    clean = normalise_name(name)
    if not clean or birth_date is None:
        return ""
    return _index("name_birth", f"{clean}\x00{birth_date.isoformat()}", ring)


INDEX_FUNCTIONS = {
    "citizen_id": lambda values, ring: citizen_id_index(values[0], ring=ring),
    "name_birth": lambda values, ring: name_birth_index(values[0], values[1], ring=ring),
}
