"""`techtransfer run` keeps the site up when its worker exits (QA: killing the worker took granian down)."""

from __future__ import annotations

from typing import Any

import pytest

from techtransfer import cli


class FakeProcess:
    """Answers `poll()` with None for `alive` calls, then with its exit code."""

    def __init__(self, name: str, alive: int, code: int = 0) -> None:
        self.name, self.alive, self.code = name, alive, code
        self.returncode: int | None = None
        self.terminated = False

    def poll(self) -> int | None:
        if self.terminated or self.alive <= 0:
            self.returncode = self.code
            return self.code
        self.alive -= 1
        return None

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout: float | None = None) -> int:
        self.returncode = self.code
        return self.code

    def kill(self) -> None:  # pragma: no cover - wait never times out here
        self.terminated = True


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[FakeProcess]:
    out: list[FakeProcess] = []
    plan = iter([("web", 6, 0), ("worker", 1, -9), ("worker", 100, 0)])  # the first worker is killed

    def popen(argv: list[str], env: dict[str, str]) -> FakeProcess:
        name, alive, code = next(plan)
        assert ("granian" in argv) is (name == "web")
        out.append(FakeProcess(name, alive, code))
        return out[-1]

    monkeypatch.setattr(cli.subprocess, "Popen", popen)
    monkeypatch.setattr(cli.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    return out


def test_a_worker_that_exits_is_started_again_and_the_web_keeps_serving(
    started: list[FakeProcess], capsys: Any
) -> None:
    assert cli._run([]) == 0  # the web server ended normally here (its plan ran out)
    assert [p.name for p in started] == ["web", "worker", "worker"]
    assert "the worker exited (code -9); starting it again" in capsys.readouterr().err
    assert started[2].terminated  # stopped with the web server at the end


def test_a_worker_that_keeps_exiting_stops_the_run(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    made: list[FakeProcess] = []

    def popen(argv: list[str], env: dict[str, str]) -> FakeProcess:
        made.append(FakeProcess("web", 10_000) if "granian" in argv else FakeProcess("worker", 0, 1))
        return made[-1]

    monkeypatch.setattr(cli.subprocess, "Popen", popen)
    monkeypatch.setattr(cli.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    assert cli._run([]) == 1
    assert len(made) == 1 + 1 + cli.MAX_RESTARTS  # the web, the first worker, its restarts
    assert "the worker keeps exiting (code 1); stopping" in capsys.readouterr().err
    assert made[0].terminated


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({"PORT": "18301"}, "http://127.0.0.1:18301"),
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "18301", "SITE_URL": "https://tt.example.cn"}, "https://tt.example.cn"),
    ],
)
def test_links_in_e_mails_point_at_the_port_the_platform_serves(env: dict[str, str], site_url: str) -> None:
    """QA: `PORT=18301 make run` loads the demo before starting the server; the e-mails sent while it
    loaded linked to 127.0.0.1:8000."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "techtransfer.settings", **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == site_url
