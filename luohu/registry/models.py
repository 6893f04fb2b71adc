"""行政区划 Administrative divisions of Anyang, versioned by validity period."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from luohu.common.citizen_id import mask_citizen_id
from luohu.common.fields import (
    BlindIndexedModel,
    BlindIndexField,
    EncryptedTextField,
    ciphertext_check,
)


class DivisionLevel(models.TextChoices):
    PREFECTURE_CITY = "prefecture_city", "地级市 prefecture-level city"
    DISTRICT = "district", "市辖区 district"
    COUNTY = "county", "县 county"
    COUNTY_LEVEL_CITY = "county_level_city", "县级市 county-level city"
    DEVELOPMENT_ZONE = "development_zone", "开发区 development zone"
    SUBDISTRICT = "subdistrict", "街道 subdistrict"
    TOWN = "town", "建制镇 established town"
    TOWNSHIP = "township", "乡 township"
    OTHER_TOWNSHIP_LEVEL = "other_township_level", "其他乡级单位 other township-level unit"


COUNTY_LEVELS = frozenset(
    {
        DivisionLevel.DISTRICT,
        DivisionLevel.COUNTY,
        DivisionLevel.COUNTY_LEVEL_CITY,
        DivisionLevel.DEVELOPMENT_ZONE,
    }
)
TOWNSHIP_LEVELS = frozenset(
    {
        DivisionLevel.SUBDISTRICT,
        DivisionLevel.TOWN,
        DivisionLevel.TOWNSHIP,
        DivisionLevel.OTHER_TOWNSHIP_LEVEL,
    }
)


class Division(models.Model):
    """行政区划 One version of a division: its code, name and parent over a period.

    The period is half-open: a version is in force on ``valid_from`` and
    every later day before ``valid_to``. ``valid_from`` null means "since
    before the earliest record"; ``valid_to`` null means "still in force".
    Versions of the same place share a ``lineage`` across code and parent
    changes.
    """

    # Null, not "", for a version whose code the reference does not record
    # (the pre-move codes of the 2016-17 moves out of 安阳县): unknown is not
    # an empty code, and NULLs never collide in the unique constraint.
    code = models.CharField(max_length=9, null=True, blank=True, db_index=True)  # noqa: DJ001
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=32, choices=DivisionLevel.choices)
    parent_code = models.CharField(max_length=9, db_index=True)
    lineage = models.CharField(max_length=9, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    is_town = models.BooleanField()
    # Null is "not applicable" under a district or development zone and
    # "unknown" under a county or county-level city.
    is_county_seat = models.BooleanField(null=True, blank=True)
    vintage = models.CharField(max_length=32)
    source = models.TextField()

    class Meta:
        ordering = ["lineage", F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lt=F("valid_to")),
                name="registry_division_valid_from_before_valid_to",
            ),
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="registry_division_unique_code_valid_from"
            ),
            models.UniqueConstraint(
                fields=["lineage", "valid_from"],
                name="registry_division_unique_lineage_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[choice.value for choice in DivisionLevel]),
                name="registry_division_level_valid",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.valid_from or '…'}–{self.valid_to or '…'}"
        return f"{self.code or '(code not recorded)'} {self.name} [{period}]"

    def is_valid_on(self, on: dt.date) -> bool:
        """Whether this version is in force on ``on`` (half-open period)."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to
        )


class Sex(models.TextChoices):
    MALE = "male", "男 male"
    FEMALE = "female", "女 female"


class HouseholdType(models.TextChoices):
    FAMILY = "family", "家庭户 family household"
    COLLECTIVE = "collective", "集体户 collective household"


class RelationToHead(models.TextChoices):
    HEAD = "head", "户主 head of household"
    SPOUSE = "spouse", "配偶 spouse"
    CHILD = "child", "子女 child"
    PARENT = "parent", "父母 parent"
    GRANDCHILD = "grandchild", "孙子女、外孙子女 grandchild"
    GRANDPARENT = "grandparent", "祖父母、外祖父母 grandparent"
    SIBLING = "sibling", "兄弟姐妹 sibling"
    OTHER = "other", "其他 other"


class HukouReasonIn(models.TextChoices):
    BIRTH = "birth", "出生 birth"
    SETTLEMENT = "settlement", "落户 settlement"
    STUDENT_MOVE_IN = "student_move_in", "升学迁入 student move-in"
    GRADUATE_MOVE_OUT = "graduate_move_out", "毕业迁回 graduate move-out"
    INITIAL_LOAD = "initial_load", "初始导入 initial load"
    OTHER = "other", "其他 other"


class HukouReasonOut(models.TextChoices):
    MOVED_OUT = "moved_out", "迁出 moved out"
    DIED = "died", "死亡 died"
    OTHER = "other", "其他 other"


class Person(BlindIndexedModel):
    """人口 A person known to the registry, with or without hukou in Anyang.

    Read and written only through ``luohu.registry.households`` and the
    selectors. The citizen id and the name are encrypted at rest; the id is
    found, and kept unique, through its blind index (docs/security-data.md).
    """

    citizen_id = EncryptedTextField(
        max_length=18, validators=[RegexValidator(r"^[0-9]{17}[0-9X]$")]
    )
    citizen_id_index = BlindIndexField(purpose="citizen_id", sources=["citizen_id"])
    name = EncryptedTextField(max_length=100)
    sex = models.CharField(max_length=8, choices=Sex.choices)
    birth_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id_index"], name="registry_person_unique_citizen_id"
            ),
            models.CheckConstraint(
                condition=~Q(citizen_id_index=""), name="registry_person_citizen_id_indexed"
            ),
            ciphertext_check("citizen_id", name="registry_person_citizen_id_encrypted"),
            ciphertext_check("name", name="registry_person_name_encrypted"),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values), name="registry_person_sex_valid"
            ),
        ]

    def __str__(self) -> str:
        # Masked: a person's str() ends up in logs and admin pages.
        return f"person {self.pk} {mask_citizen_id(self.citizen_id)}"


class Household(models.Model):
    """户 A household: the unit a hukou is registered in.

    ``division_code`` is the township-level code in force when the household
    was created; it is followed across later code changes by lineage.
    """

    number = models.CharField(max_length=14, unique=True)
    division_code = models.CharField(max_length=9, db_index=True)
    household_type = models.CharField(max_length=16, choices=HouseholdType.choices)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                # County code of the creating county, then an 8-digit sequence.
                condition=Q(number__regex=r"^[0-9]{14}$"),
                name="registry_household_number_format",
            ),
            models.CheckConstraint(
                condition=Q(division_code__regex=r"^[0-9]{9}$"),
                name="registry_household_division_township_level",
            ),
            models.CheckConstraint(
                condition=Q(household_type__in=HouseholdType.values),
                name="registry_household_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("created_at")),
                name="registry_household_closed_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"household {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class HouseholdNumberSequence(models.Model):
    """The last household number issued in a county; locked by each issuer."""

    county_code = models.CharField(max_length=6, primary_key=True)
    last_sequence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.county_code}: {self.last_sequence}"


class HukouRecord(models.Model):
    """户籍登记记录 One period of a person's hukou in one household.

    The period is half-open, [valid_from, valid_to); ``valid_to`` null is the
    current record. A move closes the old record and keeps it as history.
    ``is_urban`` classifies the hukou place (城镇 / 农村) after the NBS
    urban-rural code of the division; in a town, where the centre is urban
    and the villages rural, it is given by the registering clerk.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hukou_records")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="hukou_records")
    division_code = models.CharField(max_length=9, db_index=True)
    is_urban = models.BooleanField()
    relation_to_head = models.CharField(max_length=16, choices=RelationToHead.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    reason_in = models.CharField(max_length=24, choices=HukouReasonIn.choices)
    reason_out = models.CharField(max_length=16, choices=HukouReasonOut.choices, blank=True)
    # The casework application number for moves a decision ordered; the
    # key that makes a retried registration change nothing.
    case_ref = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="registry_hukou_one_current_per_person",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(valid_to__isnull=True, relation_to_head="head"),
                name="registry_hukou_one_current_head_per_household",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lt=F("valid_to")),
                name="registry_hukou_valid_from_before_valid_to",
            ),
            models.CheckConstraint(
                # A closed record says why it closed; a current one has no reason.
                condition=(Q(valid_to__isnull=True) & Q(reason_out=""))
                | (Q(valid_to__isnull=False) & Q(reason_out__in=HukouReasonOut.values)),
                name="registry_hukou_reason_out_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(reason_in__in=HukouReasonIn.values),
                name="registry_hukou_reason_in_valid",
            ),
            models.CheckConstraint(
                condition=Q(relation_to_head__in=RelationToHead.values),
                name="registry_hukou_relation_valid",
            ),
            models.CheckConstraint(
                condition=Q(division_code__regex=r"^[0-9]{9}$"),
                name="registry_hukou_division_township_level",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "valid_from"], name="registry_hukou_person_idx"),
            models.Index(fields=["household", "valid_from"], name="registry_hukou_household_idx"),
        ]

    def __str__(self) -> str:
        return f"hukou {self.pk} {self.division_code} [{self.valid_from}–{self.valid_to or '…'}]"

    def is_valid_on(self, on: dt.date) -> bool:
        """Whether this record is in force on ``on`` (half-open period)."""
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


class ResidenceRecord(models.Model):
    """居住登记 One period of a person living at one township-level place.

    Half-open [valid_from, valid_to); ``valid_to`` null is the current
    residence. The basis of 常住人口, living in a place 6 months or more.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="residence_records")
    division_code = models.CharField(max_length=9, db_index=True)
    is_urban = models.BooleanField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="registry_residence_one_current_per_person",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lt=F("valid_to")),
                name="registry_residence_valid_from_before_valid_to",
            ),
            models.CheckConstraint(
                condition=Q(division_code__regex=r"^[0-9]{9}$"),
                name="registry_residence_division_township_level",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "valid_from"], name="registry_residence_person_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"residence {self.pk} {self.division_code} [{self.valid_from}–{self.valid_to or '…'}]"
        )

    def is_valid_on(self, on: dt.date) -> bool:
        """Whether this record is in force on ``on`` (half-open period)."""
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)
