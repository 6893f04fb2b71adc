"""Field encryption, step 2 of 3: seal every person's id and name; fill the blind index.

Reversible while the keys of LUOHU_FIELD_KEYS are available: going back
opens every value again.
"""

from django.db import migrations

from luohu.common.field_migration import encrypt_step

forward, backward = encrypt_step(
    "registry.Person",
    fields=["citizen_id", "name"],
    indexes={"citizen_id_index": ("citizen_id", ["citizen_id"])},
)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_person_encryption_prepare"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
