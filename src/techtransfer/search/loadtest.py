"""`techtransfer bench load`: a closed-loop HTTP load test with the standard library only.

Each client is a thread with its own keep-alive connection (http.client) that sends the next GET as
soon as the previous answer is read, for a fixed duration. With a list of URLs the clients share it
out: client i of n sends URLs i, i + n, i + 2n, …, so each URL is sent once per pass over the list
(a list longer than the run's requests is a stream of distinct requests that no cache can answer).
A response that is not 2xx/3xx, or a connection error or timeout, counts as an error (the connection
is then reopened). Latency is measured from sending the request to reading the whole body. With
`count`, the summary also says how many successful answers contained that text (e.g. the search
page's "re-ranked by context" line).
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit


@dataclass
class _ClientResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    error_kinds: dict[str, int] = field(default_factory=dict)
    containing: int = 0


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _connect(scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    return cls(netloc, timeout=timeout)


def _target(url: str) -> str:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return quote(target, safe="/?=&%:+,;@!$'()*~")  # non-ASCII (稀土) is sent percent-encoded


def _client(
    scheme: str,
    netloc: str,
    targets: list[str],
    start: int,
    stride: int,
    deadline: float,
    timeout: float,
    headers: dict[str, str],
    count: bytes | None,
    out: _ClientResult,
) -> None:
    n = start
    conn = _connect(scheme, netloc, timeout)
    while time.perf_counter() < deadline:
        target = targets[n % len(targets)]
        n += stride
        started = time.perf_counter()
        try:
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            out.errors += 1
            kind = type(exc).__name__
            out.error_kinds[kind] = out.error_kinds.get(kind, 0) + 1
            conn.close()
            conn = _connect(scheme, netloc, timeout)
            continue
        elapsed = time.perf_counter() - started
        out.statuses[response.status] = out.statuses.get(response.status, 0) + 1
        if 200 <= response.status < 400:
            out.latencies.append(elapsed)
            if count is not None and count in body:
                out.containing += 1
        else:
            out.errors += 1
        if response.will_close:
            conn.close()
            conn = _connect(scheme, netloc, timeout)
    conn.close()


def run_load(
    *,
    url: str | None = None,
    urls: list[str] | None = None,
    clients: int,
    duration: float,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
    count: str | None = None,
) -> dict[str, Any]:
    """Run `clients` closed-loop clients for `duration` seconds against `url`, or cycling through
    `urls` (all on one host; client i of n sends the i-th, (i + n)-th, … URL); return the summary. `count`: also count
    the successful answers whose body contains this text."""
    urls = list(urls or []) or ([url] if url else [])
    if not urls:
        raise ValueError("no URL given")
    hosts = set()
    for u in urls:
        parts = urlsplit(u)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {u}")
        hosts.add((parts.scheme, parts.netloc))
    if len(hosts) > 1:
        raise ValueError("all URLs must be on one host")
    sent_headers = {"Accept-Encoding": "identity", "Connection": "keep-alive", **(headers or {})}
    results = [_ClientResult() for _ in range(clients)]
    marker = count.encode("utf-8") if count else None
    (scheme, netloc), targets = hosts.pop(), [_target(u) for u in urls]
    started = time.perf_counter()
    deadline = started + duration
    threads = [
        threading.Thread(
            target=_client,
            args=(scheme, netloc, targets, i, clients, deadline, timeout, sent_headers, marker, r),
            daemon=True,
        )
        for i, r in enumerate(results)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + timeout + 5)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r.latencies)
    statuses: dict[int, int] = {}
    error_kinds: dict[str, int] = {}
    for r in results:
        for k, v in r.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
        for kind, v in r.error_kinds.items():
            error_kinds[kind] = error_kinds.get(kind, 0) + v
    errors = sum(r.errors for r in results)
    ok = len(latencies)

    def ms(q: float) -> float:
        return round(percentile(latencies, q) * 1000, 1)

    summary: dict[str, Any] = {
        "url": urls[0] if len(urls) == 1 else f"{len(urls)} URLs, first {urls[0]}",
        "clients": clients,
        "duration_seconds": round(elapsed, 1),
        "requests": ok + errors,
        "ok": ok,
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "error_kinds": error_kinds,
        "requests_per_second": round(ok / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": ms(50),
            "p95": ms(95),
            "p99": ms(99),
            "max": round(latencies[-1] * 1000, 1) if latencies else 0.0,
            "mean": round(sum(latencies) / ok * 1000, 1) if ok else 0.0,
        },
    }
    if count:
        summary["containing"] = {"text": count, "responses": sum(r.containing for r in results)}
    return summary
