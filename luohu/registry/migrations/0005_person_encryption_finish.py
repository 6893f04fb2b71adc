"""Field encryption, step 3 of 3: the encrypted fields, and constraints on the index.

The id is unique through its blind index; the database itself refuses a
plaintext id or name.
"""

import django.core.validators
import django.db.models.functions.comparison
import django.db.models.lookups
from django.db import migrations, models

import luohu.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_person_encrypt_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="citizen_id_index",
            field=luohu.common.fields.BlindIndexField(purpose="citizen_id", sources=["citizen_id"]),
        ),
        migrations.AlterField(
            model_name="person",
            name="citizen_id",
            field=luohu.common.fields.EncryptedTextField(
                max_length=18,
                validators=[django.core.validators.RegexValidator("^[0-9]{17}[0-9X]$")],
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="name",
            field=luohu.common.fields.EncryptedTextField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("citizen_id_index",), name="registry_person_unique_citizen_id"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("citizen_id_index", ""), _negated=True),
                name="registry_person_citizen_id_indexed",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "citizen_id", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="registry_person_citizen_id_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "name", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="registry_person_name_encrypted",
            ),
        ),
    ]
