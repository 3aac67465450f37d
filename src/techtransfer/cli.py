"""The `techtransfer` console script.

`techtransfer run` starts the web server (granian, WSGI) and the background worker side by side;
every other word is handed to Django's management commands (`techtransfer migrate`,
`techtransfer load_demo`, `techtransfer worker`, …).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _run(argv: list[str]) -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    workers = os.environ.get("WEB_WORKERS", "2")
    web = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", port,
        "--workers", workers, "--blocking-threads", os.environ.get("WEB_THREADS", "4"), "techtransfer.wsgi:application",
    ]  # fmt: skip
    worker = [sys.executable, "-m", "techtransfer.cli", "worker"]
    # Links in e-mails and digests point at this server unless SITE_URL says otherwise.
    env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL") or f"http://{host}:{port}"}
    procs = [subprocess.Popen(web, env=env), subprocess.Popen(worker, env=env)]  # noqa: S603  (fixed argv, our own interpreter)
    print(f"techtransfer: web on http://{host}:{port}/ and a background worker; Ctrl+C stops both", flush=True)

    def stop(*_: object) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        stop()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")
    if argv[:1] == ["run"]:
        return _run(argv[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["techtransfer", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
