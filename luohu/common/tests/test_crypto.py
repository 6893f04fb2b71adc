"""Field encryption and blind indexes, without a database."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from luohu.common import crypto
from luohu.common.crypto import (
    MSG_KEYS_MISSING,
    DecryptionError,
    KeyConfigurationError,
    citizen_id_index,
    decrypt,
    encrypt,
    key_id_of,
    name_birth_index,
    parse_keys,
)

ID = "41052619880506011X"
K1 = base64.urlsafe_b64encode(b"1" * 32).decode().rstrip("=")
K2 = base64.urlsafe_b64encode(b"2" * 32).decode().rstrip("=")
KI = base64.urlsafe_b64encode(b"i" * 32).decode().rstrip("=")
KJ = base64.urlsafe_b64encode(b"j" * 32).decode().rstrip("=")
RING_1 = parse_keys(f"index={KI},1={K1}")
RING_12 = parse_keys(f"index={KI},1={K1},2={K2}")


class TestEncryption:
    def test_round_trip_under_the_newest_key(self) -> None:
        token = encrypt(ID, label="registry.person.citizen_id", ring=RING_12)
        assert token.startswith("e1:2:")
        assert ID not in token
        assert key_id_of(token) == 2
        assert decrypt(token, label="registry.person.citizen_id", ring=RING_12) == ID

    def test_the_same_value_encrypts_differently_each_time(self) -> None:
        """A random nonce: equal ids are not visible as equal ciphertexts."""
        first = encrypt(ID, label="x", ring=RING_1)
        assert first != encrypt(ID, label="x", ring=RING_1)

    def test_old_values_open_while_the_old_key_is_kept(self) -> None:
        token = encrypt("张三丰", label="x", ring=RING_1)
        assert decrypt(token, label="x", ring=RING_12) == "张三丰"

    def test_a_removed_key_no_longer_opens_its_values(self) -> None:
        token = encrypt("张三丰", label="x", ring=RING_12)
        with pytest.raises(DecryptionError, match="unknown field key id 2"):
            decrypt(token, label="x", ring=RING_1)

    def test_a_ciphertext_moved_to_another_column_does_not_open(self) -> None:
        """The column is authenticated: a name cannot be passed off as an id."""
        token = encrypt("张三丰", label="registry.person.name", ring=RING_1)
        with pytest.raises(DecryptionError, match="does not open"):
            decrypt(token, label="registry.person.citizen_id", ring=RING_1)

    def test_an_altered_ciphertext_does_not_open(self) -> None:
        token = encrypt(ID, label="x", ring=RING_1)
        body = token.split(":")[2]
        flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
        with pytest.raises(DecryptionError):
            decrypt(f"e1:1:{flipped}", label="x", ring=RING_1)

    def test_plaintext_is_refused_without_repeating_it(self) -> None:
        with pytest.raises(DecryptionError) as excinfo:
            decrypt(ID, label="x", ring=RING_1)
        assert ID not in str(excinfo.value)

    def test_the_keyring_never_prints_its_keys(self) -> None:
        assert K1 not in repr(RING_12) and "key_ids=[1, 2]" in repr(RING_12)


class TestKeySpecification:
    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            ("", MSG_KEYS_MISSING),
            (f"1={K1}", "the blind-index key 'index' is missing"),
            (f"index={KI}", "no encryption key"),
            (f"index={KI},1=c2hvcnQ", "key 1 must be 32 bytes"),
            (f"index={KI},1=!!!!", "key 1 is not base64url"),
            (f"index={KI},one={K1}", "must be 'index' or a positive integer"),
            (f"index={KI},1={K1},1={K2}", "key id 1 is given twice"),
            (f"index={K1},1={K1}", "the index key must differ"),
            (f"index={KI},{K1}", "each entry must be name=key"),
        ],
    )
    def test_bad_specifications_are_refused_with_the_reason(self, spec: str, message: str) -> None:
        with pytest.raises(KeyConfigurationError) as excinfo:
            parse_keys(spec)
        assert message in str(excinfo.value)
        assert K1 not in str(excinfo.value) and K2 not in str(excinfo.value)

    def test_a_generated_specification_parses(self) -> None:
        ring = parse_keys(crypto.generate_spec())
        assert ring.current_key_id == 1


class TestBlindIndex:
    @pytest.mark.parametrize(
        "typed",
        [
            "41052619880506011x",
            " 410526 19880506 011X ",
            "410526-19880506-011X",
            "４１０５２６１９８８０５０６０１１Ｘ",
        ],
    )
    def test_typed_variants_of_one_id_share_an_index(self, typed: str) -> None:
        """Lower-case x, spaces, hyphens and full-width digits are the same id."""
        assert citizen_id_index(typed, ring=RING_1) == citizen_id_index(ID, ring=RING_1)

    def test_the_index_depends_on_the_index_key_only(self) -> None:
        """Rotating the encryption keys leaves the index alone; another index key changes it."""
        assert citizen_id_index(ID, ring=RING_1) == citizen_id_index(ID, ring=RING_12)
        other = parse_keys(f"index={KJ},1={K1}")
        assert citizen_id_index(ID, ring=other) != citizen_id_index(ID, ring=RING_1)

    def test_the_index_is_not_a_plain_hash_of_the_id(self) -> None:
        import hashlib

        index = citizen_id_index(ID, ring=RING_1)
        assert len(index) == 64
        assert index != hashlib.sha256(ID.encode()).hexdigest()

    def test_name_and_birth_date_index_normalises_the_name(self) -> None:
        born = dt.date(1988, 5, 6)
        expected = name_birth_index("阿依古丽·买买提", born, ring=RING_1)
        assert name_birth_index(" 阿依古丽•买买提 ", born, ring=RING_1) == expected
        assert name_birth_index("阿依古丽·买买提", dt.date(1988, 5, 7), ring=RING_1) != expected

    def test_purposes_never_collide(self) -> None:
        """An id index cannot be matched against a name index of the same text."""
        assert citizen_id_index("1", ring=RING_1) != name_birth_index(
            "1", dt.date(2000, 1, 1), ring=RING_1
        )

    def test_empty_values_have_no_index(self) -> None:
        assert citizen_id_index("", ring=RING_1) == ""
        assert name_birth_index("", dt.date(2000, 1, 1), ring=RING_1) == ""
        assert name_birth_index("张三", None, ring=RING_1) == ""
