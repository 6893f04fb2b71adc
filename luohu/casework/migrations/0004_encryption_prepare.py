"""Field encryption, step 1 of 3: make room for ciphertexts and the blind indexes.

Citizen ids, names, the submitted facts (which hold the ids of applicant and
family) and the citizens' own file names become unbounded text; the plain
index on the citizen id goes, blind indexes come.
"""

from django.db import migrations, models


def _text(blank: bool = False) -> models.TextField:  # type: ignore[type-arg]
    return models.TextField(blank=blank)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_duplicatereview"),
    ]

    operations = [
        migrations.AlterField(model_name="settlementapplication", name="citizen_id", field=_text()),
        migrations.AlterField(
            model_name="settlementapplication", name="applicant_name", field=_text()
        ),
        migrations.AlterField(model_name="settlementapplication", name="facts", field=_text()),
        migrations.AddField(
            model_name="settlementapplication",
            name="citizen_id_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="settlementapplication",
            name="name_birth_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(model_name="familymember", name="name", field=_text()),
        migrations.AlterField(model_name="familymember", name="citizen_id", field=_text(True)),
        migrations.AlterField(model_name="decision", name="facts", field=_text()),
        migrations.AlterField(model_name="document", name="original_name", field=_text()),
    ]
