"""`bench load`: the closed-loop load generator against a local stdlib HTTP server."""

import http.server
import io
import threading

import pytest
from django.core.management import CommandError, call_command

from techtransfer.search.loadtest import percentile, run_load


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    paths: list[str] = []

    def do_GET(self) -> None:
        _Handler.paths.append(self.path)
        status = 404 if self.path.startswith("/missing") else 200
        body = "ok, 按上下文相似度重排".encode() if self.path.startswith("/reranked") else b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_percentile_is_nearest_rank():
    values = [float(i) for i in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 95) == 0.0


def test_counts_requests_and_sends_non_ascii_queries_encoded(server):
    _Handler.paths.clear()
    result = run_load(url=f"{server}/search/?q=稀土", clients=2, duration=0.5)
    assert result["errors"] == 0
    assert result["ok"] == result["requests"] == result["statuses"]["200"] > 0
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p95"] <= result["latency_ms"]["p99"]
    assert set(_Handler.paths) == {"/search/?q=%E7%A8%80%E5%9C%9F"}


def test_error_statuses_count_as_errors(server):
    result = run_load(url=f"{server}/missing", clients=1, duration=0.3)
    assert result["ok"] == 0
    assert result["errors"] == result["statuses"]["404"] > 0


def test_command_prints_the_summary(server):
    out = io.StringIO()
    call_command("bench", "load", "--url", f"{server}/", "--clients", "2", "--duration", "0.3", stdout=out)
    text = out.getvalue()
    assert "req/s, errors 0" in text
    assert "latency p50" in text and "p95" in text and "p99" in text
    with pytest.raises(CommandError, match="not an http"):
        call_command("bench", "load", "--url", "ftp://x/", "--duration", "0.1", stdout=io.StringIO())


def test_clients_cycle_through_a_url_file(server, tmp_path):
    _Handler.paths.clear()
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# queries\n{server}/search/?q=a\n{server}/search/?q=b\n\n", encoding="utf-8")
    out = io.StringIO()
    call_command("bench", "load", "--urls", str(urls), "--clients", "2", "--duration", "0.3", stdout=out)
    assert "errors 0" in out.getvalue()
    assert set(_Handler.paths) == {"/search/?q=a", "/search/?q=b"}
    with pytest.raises(ValueError, match="one host"):
        run_load(urls=[f"{server}/", "http://example.org/"], clients=1, duration=0.1)


def test_count_says_how_many_answers_contain_a_text(server):
    _Handler.paths.clear()
    result = run_load(urls=[f"{server}/reranked", f"{server}/plain"], clients=1, duration=0.3, count="上下文相似度")
    reranked = sum(1 for path in _Handler.paths if path == "/reranked")
    assert reranked > 0 and len(_Handler.paths) > reranked
    assert result["containing"] == {"text": "上下文相似度", "responses": reranked}
    assert "containing" not in run_load(url=f"{server}/plain", clients=1, duration=0.1)


def test_clients_share_a_url_list_out_so_each_url_is_sent_once_per_pass(server):
    _Handler.paths.clear()
    urls = [f"{server}/search/?q={i}" for i in range(100_000)]
    result = run_load(urls=urls, clients=4, duration=0.3)
    assert 0 < result["ok"] < len(urls)  # fewer requests than URLs: none repeated
    assert len(_Handler.paths) == len(set(_Handler.paths)) == result["ok"]
