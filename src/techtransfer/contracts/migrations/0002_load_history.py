from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from techtransfer.contracts.history import load

    load(apps.get_model("contracts", "HistoricalTurnover"))


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("contracts", "HistoricalTurnover").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
