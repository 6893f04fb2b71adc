"""Field encryption, step 1 of 3: make room for ciphertexts and the blind index.

The citizen id loses its unique index and format check (they move to the
blind index and to validation before encryption) and becomes unbounded text.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_persons_households"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="person",
            name="registry_person_citizen_id_format",
        ),
        migrations.AlterField(
            model_name="person",
            name="citizen_id",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="person",
            name="name",
            field=models.TextField(),
        ),
        migrations.AddField(
            model_name="person",
            name="citizen_id_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
    ]
