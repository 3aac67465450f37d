"""How long an all-or-nothing import of N rows keeps others from writing (SQLite, demo database).

Usage (after `techtransfer load_demo_achievements`, on a throw-away copy: the rows stay):
TECHTRANSFER_VAR_DIR=… PYTHONPATH=src python scripts/bench_import_lock.py [ROWS]   (default 3,000)

A second process writes one small row every 0.2 s and records how long each write waited; the
importer's forced progress messages ("Saving …") time each batch. ADR 0013, last amendment."""

import itertools
import multiprocessing as mp
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")


def writer(stop, out):
    import django

    django.setup()
    from django.db import connection

    waits = []
    while not stop.is_set():
        t = time.monotonic()
        try:
            with connection.cursor() as c:
                c.execute("BEGIN IMMEDIATE")
                c.execute("UPDATE jobs_periodicrun SET last_run_at = last_run_at WHERE id = -1")
                c.execute("COMMIT")
            waits.append(time.monotonic() - t)
        except Exception as exc:
            waits.append(-(time.monotonic() - t))
            print("writer:", exc)
        time.sleep(0.2)
    out.put(waits)


def main(n):
    import django

    django.setup()
    from techtransfer.achievements import demo, io
    from techtransfer.core.models import Organisation, User
    from techtransfer.web.demo import ORGS, demo_uscc

    header = [c.header for c in io.IMPORT_COLUMNS]
    rows = [header]
    for i, paper in enumerate((demo.papers() * 2)[:n]):
        cells = demo.demo_cells(paper) | {"source": ""}
        cells["contributors_person"] = f"张三{i}（南昌示范大学）：总体设计\n李四：实验"
        cells["ip_items"] = f"发明专利：{paper.name[:20]}：CN2021{i:08d}.1："
        rows.append([cells.get(c.key, "") for c in io.IMPORT_COLUMNS])
    org = Organisation.objects.get(uscc=demo_uscc(next(o for o in ORGS if o.key == "univ")))
    user = User.objects.get(username="univ_admin")
    content = io.write_csv(rows)
    stamps = []

    def progress(done, total, message="", **kw):
        stamps.append((time.monotonic(), message))

    from django.db import connection

    connection.close()
    stop, out = mp.Event(), mp.Queue()
    p = mp.Process(target=writer, args=(stop, out))
    p.start()
    time.sleep(1)
    started = time.monotonic()
    outcome = io.import_file(
        actor=user, organisation_id=org.pk, content=content, fmt="csv", mode="all_or_nothing", progress=progress
    )
    total = time.monotonic() - started
    time.sleep(1)
    stop.set()
    waits = out.get()
    p.join()
    check_end = max((t for t, m in stamps if m.startswith(("Checked", "已检查"))), default=started)
    print(f"rows {n}: {outcome.result()} total {total:.1f} s, saving {started + total - check_end:.1f} s")
    saving = [t for t, m in stamps if m.startswith(("Saving", "Saved", "正在保存", "已保存"))]
    gaps = [b - a for a, b in itertools.pairwise(saving)]
    if gaps:
        print(f"batches: {len(gaps)}, longest {max(gaps):.2f} s, median {sorted(gaps)[len(gaps) // 2]:.2f} s")
    longest, failed = max(abs(w) for w in waits), sum(1 for w in waits if w < 0)
    print(f"other writer: {len(waits)} writes, longest wait {longest:.2f} s, failed {failed}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
