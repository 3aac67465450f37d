"""The real technology-market series shipped in web/data, read once per process."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def turnover_series() -> dict[str, Any]:
    """Jiangxi 2011–2023 and the 31-province sum 1998–2024, in 亿元."""
    with open(DATA / "jiangxi_2011_2023.csv", encoding="utf-8") as f:
        jx = [(int(r["year"]), float(r["tech_market_turnover_100m_cny"])) for r in csv.DictReader(f)]
    with open(DATA / "national_sum_of_31_provinces_1998_2024.csv", encoding="utf-8") as f:
        cn = [(int(r["year"]), float(r["tech_market_turnover_100m_cny"])) for r in csv.DictReader(f)]
    return {
        "jiangxi": {"years": [y for y, _ in jx], "values": [v for _, v in jx]},
        "national": {"years": [y for y, _ in cn], "values": [v for _, v in cn]},
    }
