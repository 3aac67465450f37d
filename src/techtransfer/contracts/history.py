"""Loading the yearbook turnover series shipped in `contracts/data` into `HistoricalTurnover`.

Used by the data migration and by `manage.py load_contract_history`; idempotent (update or create by
region code and year).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
# Shown under the charts as they are (Chinese first; the yearbook's English title kept for the citation).
PROVINCE_SOURCE = (
    "《中国科技统计年鉴》（China Statistical Yearbook on Science and Technology），"
    "经 github.com/127ww/nqp-spatial-development（MIT）整理；contracts/data/province_year_2011_2023.csv"
)
NATIONAL_SOURCE = (
    "《中国科技统计年鉴》31 省合计（China Statistics Yearbook on S&T），经 github.com/myppqk88/"
    "Mapping-Open-Science-Policy-in-China（CC BY 4.0）整理；contracts/data/national_sum_of_31_provinces_1998_2024.csv"
)
NATIONAL_NAME = "31省合计"

# GB/T 2260 province codes of the short names used in the source table.
PROVINCE_CODES = {
    "北京": "110000", "天津": "120000", "河北": "130000", "山西": "140000", "内蒙古": "150000",
    "辽宁": "210000", "吉林": "220000", "黑龙江": "230000", "上海": "310000", "江苏": "320000",
    "浙江": "330000", "安徽": "340000", "福建": "350000", "江西": "360000", "山东": "370000",
    "河南": "410000", "湖北": "420000", "湖南": "430000", "广东": "440000", "广西": "450000",
    "海南": "460000", "重庆": "500000", "四川": "510000", "贵州": "520000", "云南": "530000",
    "西藏": "540000", "陕西": "610000", "甘肃": "620000", "青海": "630000", "宁夏": "640000",
    "新疆": "650000",
}  # fmt: skip


def rows() -> list[dict[str, Any]]:
    """Every (region_code, region_name, year, turnover_10k, source) row of the two files."""
    out: list[dict[str, Any]] = []
    with open(DATA / "province_year_2011_2023.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not r["tech_market_turnover_10k_cny"]:
                continue  # Tibet 2011–2016: not published
            out.append(
                {
                    "region_code": PROVINCE_CODES[r["province"]],
                    "region_name": r["province"],
                    "year": int(r["year"]),
                    "turnover_10k": Decimal(r["tech_market_turnover_10k_cny"]).quantize(Decimal("0.0001")),
                    "source": PROVINCE_SOURCE,
                }
            )
    with open(DATA / "national_sum_of_31_provinces_1998_2024.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.append(
                {
                    "region_code": "",
                    "region_name": NATIONAL_NAME,
                    "year": int(r["year"]),
                    "turnover_10k": Decimal(r["tech_market_turnover_10k_cny"]).quantize(Decimal("0.0001")),
                    "source": NATIONAL_SOURCE,
                }
            )
    return out


def load(model: Any) -> int:
    """Write the rows into `model` (the real model or the migration's historical one)."""
    n = 0
    for r in rows():
        model.objects.update_or_create(
            region_code=r["region_code"],
            year=r["year"],
            defaults={k: r[k] for k in ("region_name", "turnover_10k", "source")},
        )
        n += 1
    return n
