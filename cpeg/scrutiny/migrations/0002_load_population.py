from django.db import migrations

from cpeg.scrutiny.population import load_population


def forwards(apps, schema_editor):
    load_population(apps.get_model("groups", "Borough"), apps.get_model("scrutiny", "BoroughPopulation"))


class Migration(migrations.Migration):
    dependencies = [
        ("scrutiny", "0001_initial"),
        ("groups", "0002_load_boroughs"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
