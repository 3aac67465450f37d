"""Load the shipped GB/T 2260 file (data/regions_gbt2260.csv) into `Region`. Idempotent."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from techtransfer.core.models import Region

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions_gbt2260.csv"


@transaction.atomic
def load_regions(path: Path = DATA_FILE) -> int:
    """Insert missing regions and update renamed ones; returns the number of rows in the file."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    existing = {r.code: r for r in Region.objects.all()}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for row in rows:  # parents come before children in the file
        region = existing.get(row["code"])
        parent = row["parent_code"] or None
        if region is None:
            to_create.append(Region(code=row["code"], name=row["name"], level=row["level"], parent_id=parent))
        elif (region.name, region.level, region.parent_id) != (row["name"], row["level"], parent):
            region.name, region.level, region.parent_id = row["name"], row["level"], parent
            to_update.append(region)
    for level in ("province", "city", "county"):
        Region.objects.bulk_create([r for r in to_create if r.level == level], batch_size=500)
    if to_update:
        Region.objects.bulk_update(to_update, ["name", "level", "parent"], batch_size=500)
    return len(rows)
