"""Load the shipped GB/T 2260 file (data/regions_gbt2260.csv) into `Region`. Idempotent."""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from django.db import transaction

from techtransfer.core.models import Region

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions_gbt2260.csv"
# What a region's name ends in; the name without it is how text usually says it (南昌 for 南昌市).
_SUFFIX = re.compile(
    r"(维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|自治县|地区|新区|省|市|县|区|旗|盟)$"
)


@functools.cache
def place_names() -> frozenset[str]:
    """Every region's name, and a province's or city's name without its suffix where two or more
    characters remain: words that say where a record is, not what it is about (from the shipped
    file, no query). Not a county's: 合作市 and 复兴区 would make 合作 and 复兴 place names."""
    with open(DATA_FILE, encoding="utf-8", newline="") as f:
        rows = [(row["name"], row["level"]) for row in csv.DictReader(f)]
    short = {s for n, level in rows if level != "county" and len(s := _SUFFIX.sub("", n)) >= 2}
    return frozenset({n for n, _level in rows} | short)


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
