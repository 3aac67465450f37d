"""Rebuild src/techtransfer/achievements/demo_data/ from the CSL and FewCLUE extracts.

Usage: python scripts/build_demo_achievements.py PATH/TO/data   (the folder holding csl/ and fewclue_csl/)

- csl_benchmark_2k.tsv.gz: all 2,000 CSL benchmark papers, columns kept as they are.
- csldcp_sample.tsv.gz: from FewCLUE CSLDCP (labelled splits), at most PER_DISCIPLINE abstracts per
  discipline in file order, skipping abstracts that also occur in the CSL file or earlier in CSLDCP
  (compared after removing punctuation and spaces).
"""

import csv
import gzip
import io
import re
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/techtransfer/achievements/demo_data"
PER_DISCIPLINE = 30


def _norm(text: str) -> str:
    return re.sub(r"\W", "", text)


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    """Gzipped TSV without a file name or time stamp in the header, so rebuilding gives the same bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(OUT / name, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(buf.getvalue().encode("utf-8"))


def main(data: str) -> None:
    src = Path(data)
    csv.field_size_limit(10**8)
    with open(src / "csl/csl_benchmark_2k.tsv", encoding="utf-8") as f:
        csl = list(csv.DictReader(f, delimiter="\t"))
    seen = {_norm(r["abstract"]) for r in csl}
    _write(
        "csl_benchmark_2k.tsv.gz",
        ["id", "title", "abstract", "keywords", "category", "discipline"],
        [[r["id"], r["title"], r["abstract"], r["keywords"], r["category"], r["discipline"]] for r in csl],
    )
    per: Counter[str] = Counter()
    picked = []
    with open(src / "fewclue_csl/csldcp_labeled.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            key = _norm(r["abstract"])
            if key in seen or per[r["discipline"]] >= PER_DISCIPLINE:
                continue
            seen.add(key)
            per[r["discipline"]] += 1
            picked.append([r["id"], r["abstract"], r["category"], r["discipline"]])
    _write("csldcp_sample.tsv.gz", ["id", "abstract", "category", "discipline"], picked)
    print(f"wrote {len(csl)} CSL and {len(picked)} CSLDCP records to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
