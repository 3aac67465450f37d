"""Load the shipped GB/T 2260 regions, so `migrate` alone gives a working database."""

import csv
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "regions_gbt2260.csv"


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Region = apps.get_model("core", "Region")
    existing = set(Region.objects.values_list("code", flat=True))
    with open(DATA_FILE, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["code"] not in existing]
    for level in ("province", "city", "county"):
        Region.objects.bulk_create(
            [
                Region(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent_code"] or None)
                for r in rows
                if r["level"] == level
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
