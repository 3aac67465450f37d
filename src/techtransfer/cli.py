"""The `techtransfer` console script.

`techtransfer run` starts the web server (granian, WSGI) and the background worker side by side, and
starts the worker again when it exits (a crash must not take the site down with it);
every other word is handed to Django's management commands (`techtransfer migrate`,
`techtransfer load_demo`, `techtransfer worker`, …).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

MAX_RESTARTS = 5  # worker restarts within RESTART_WINDOW seconds before `run` gives up
RESTART_WINDOW = 60.0


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
    procs = {"web": subprocess.Popen(web, env=env), "worker": subprocess.Popen(worker, env=env)}  # noqa: S603  (fixed argv, our own interpreter)
    print(f"techtransfer: web on http://{host}:{port}/ and a background worker; Ctrl+C stops both", flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for p in procs.values():
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    restarts: list[float] = []
    try:
        while not stopping and procs["web"].poll() is None:
            if procs["worker"].poll() is not None:
                # The site stays up without its worker (changes wait in the outbox): start it again,
                # unless it keeps dying (then something is wrong that a restart will not fix).
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
                code = procs["worker"].returncode
                if len(restarts) > MAX_RESTARTS:
                    print(
                        f"techtransfer: the worker keeps exiting (code {code}); stopping", file=sys.stderr, flush=True
                    )
                    break
                print(f"techtransfer: the worker exited (code {code}); starting it again", file=sys.stderr, flush=True)
                procs["worker"] = subprocess.Popen(worker, env=env)  # noqa: S603
            time.sleep(0.5)
    finally:
        stop()
        for p in procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs.values())


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
