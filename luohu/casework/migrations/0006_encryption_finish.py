"""Field encryption, step 3 of 3: the encrypted fields, blind indexes and ciphertext checks."""

import django.db.models.functions.comparison
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import luohu.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_encrypt_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="facts",
            field=luohu.common.fields.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name="document",
            name="original_name",
            field=luohu.common.fields.EncryptedTextField(max_length=255),
        ),
        migrations.AlterField(
            model_name="familymember",
            name="citizen_id",
            field=luohu.common.fields.EncryptedTextField(blank=True, max_length=18),
        ),
        migrations.AlterField(
            model_name="familymember",
            name="name",
            field=luohu.common.fields.EncryptedTextField(max_length=64),
        ),
        migrations.AlterField(
            model_name="settlementapplication",
            name="applicant_name",
            field=luohu.common.fields.EncryptedTextField(max_length=64),
        ),
        migrations.AlterField(
            model_name="settlementapplication",
            name="citizen_id",
            field=luohu.common.fields.EncryptedTextField(max_length=18),
        ),
        migrations.AlterField(
            model_name="settlementapplication",
            name="citizen_id_index",
            field=luohu.common.fields.BlindIndexField(
                db_index=True, purpose="citizen_id", sources=["citizen_id"]
            ),
        ),
        migrations.AlterField(
            model_name="settlementapplication",
            name="facts",
            field=luohu.common.fields.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name="settlementapplication",
            name="name_birth_index",
            field=luohu.common.fields.BlindIndexField(
                db_index=True, purpose="name_birth", sources=["applicant_name", "birth_date"]
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "facts", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="casework_decision_facts_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "original_name", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="casework_document_name_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="familymember",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "name", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="casework_member_name_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="familymember",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.StartsWith(
                        django.db.models.functions.comparison.Cast(
                            "citizen_id", output_field=models.TextField()
                        ),
                        "e1:",
                    ),
                    django.db.models.lookups.Exact(
                        django.db.models.functions.comparison.Cast(
                            "citizen_id", output_field=models.TextField()
                        ),
                        "",
                    ),
                    _connector="OR",
                ),
                name="casework_member_citizen_id_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="settlementapplication",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "citizen_id", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="casework_application_citizen_id_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="settlementapplication",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "applicant_name", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="casework_application_name_encrypted",
            ),
        ),
        migrations.AddConstraint(
            model_name="settlementapplication",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.StartsWith(
                    django.db.models.functions.comparison.Cast(
                        "facts", output_field=models.TextField()
                    ),
                    "e1:",
                ),
                name="casework_application_facts_encrypted",
            ),
        ),
    ]
