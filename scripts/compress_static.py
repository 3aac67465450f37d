"""Write a gzip twin (`.gz`, level 9, no timestamp, so reruns give the same bytes) next to each
JavaScript and CSS file of the vendored libraries (src/techtransfer/web/static/vendor/).

WhiteNoise serves the twin to browsers that accept gzip, also when it serves straight from the
apps' static folders (no `collectstatic`): bootstrap, htmx and ECharts shrink from 1.4 MB to about
0.4 MB, which is what a phone on a slow network feels. Run again after replacing a vendored file;
`web/tests/test_static_assets.py` fails while a twin is stale.

    python scripts/compress_static.py
"""

from __future__ import annotations

import gzip
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src" / "techtransfer" / "web" / "static" / "vendor"


def main() -> None:
    for path in sorted(VENDOR.rglob("*")):
        if path.suffix not in (".js", ".css"):
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        path.with_name(path.name + ".gz").write_bytes(packed)
        print(f"{path.relative_to(VENDOR)}: {len(data):,} -> {len(packed):,} bytes")


if __name__ == "__main__":
    main()
