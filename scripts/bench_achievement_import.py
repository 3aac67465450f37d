"""Time the achievement importer and the export on the demo database.

Usage (after `techtransfer load_demo`): PYTHONPATH=src python scripts/bench_achievement_import.py [ROWS]

Builds ROWS (default 1,000) import rows from the demo papers, each with two people and one patent,
imports them as CSV and as XLSX in both modes into the demo university, then exports its records.
Everything it creates stays in the database: run it on a throw-away copy.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")
django.setup()

from techtransfer.achievements import demo, io  # noqa: E402
from techtransfer.core.models import Organisation, User  # noqa: E402
from techtransfer.web.demo import ORGS, demo_uscc  # noqa: E402


def main(n: int) -> None:
    header = [c.header for c in io.IMPORT_COLUMNS]
    rows = [header]
    for i, paper in enumerate(demo.papers()[:n]):
        cells = demo.demo_cells(paper) | {"source": ""}
        cells["contributors_person"] = f"张三{i}（南昌示范大学）：总体设计\n李四：实验"
        cells["ip_items"] = f"发明专利：{paper.name[:20]}：CN2021{i:08d}.1："
        rows.append([cells.get(c.key, "") for c in io.IMPORT_COLUMNS])
    org = Organisation.objects.get(uscc=demo_uscc(next(o for o in ORGS if o.key == "univ")))
    user = User.objects.get(username="univ_admin")
    for fmt in ("csv", "xlsx"):
        content = io.write_csv(rows) if fmt == "csv" else io.write_xlsx(rows)
        for mode in io.ImportMode.values:
            started = time.monotonic()
            outcome = io.import_file(actor=user, organisation_id=org.pk, content=content, fmt=fmt, mode=mode)
            print(f"import {fmt} {mode}: {outcome.result()} in {time.monotonic() - started:.1f} s")
    qs = io.export_queryset(user, {"organisation": str(org.pk)})
    for fmt in ("csv", "xlsx"):
        started = time.monotonic()
        content = io.export_file(qs, fmt)
        print(f"export {fmt}: {qs.count()} records, {len(content):,} bytes in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
