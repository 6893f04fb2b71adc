"""Field encryption, step 2 of 3: seal ids, names, facts and file names; fill the indexes.

Reversible while the keys of LUOHU_FIELD_KEYS are available: going back
opens every value again.
"""

from django.db import migrations

from luohu.common.field_migration import encrypt_step

applications = encrypt_step(
    "casework.SettlementApplication",
    fields=["citizen_id", "applicant_name", "facts"],
    indexes={
        "citizen_id_index": ("citizen_id", ["citizen_id"]),
        "name_birth_index": ("name_birth", ["applicant_name", "birth_date"]),
    },
)
members = encrypt_step("casework.FamilyMember", fields=["name", "citizen_id"])
decisions = encrypt_step("casework.Decision", fields=["facts"])
documents = encrypt_step("casework.Document", fields=["original_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_encryption_prepare"),
    ]

    operations = [
        migrations.RunPython(*applications, elidable=False),
        migrations.RunPython(*members, elidable=False),
        migrations.RunPython(*decisions, elidable=False),
        migrations.RunPython(*documents, elidable=False),
    ]
