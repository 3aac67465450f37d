"""Opening the tantivy index: only changed declarations start it afresh, never a concurrent open."""

import multiprocessing

from techtransfer.search.backends.base import SearchRequest
from techtransfer.search.backends.tantivy_backend import REBUILD_MARKER, SCHEMA_MARKER, TantivyBackend
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType

TYPE = SearchType(name="t", label="t", model_label="t.t", fields={"title": 2.0, "body": 1.0}, load=lambda pks: iter(()))
OTHER = SearchType(
    name="t", label="t", model_label="t.t", fields={"title": 2.0, "summary": 1.0}, load=lambda pks: iter(())
)


def _docs(n: int) -> list[SearchDocument]:
    return [
        SearchDocument(type="t", pk=str(i), title=f"稀土永磁材料 {i}", url="", fields={"title": f"稀土永磁材料 {i}"},
                       visibility=[PUBLIC])
        for i in range(n)
    ]  # fmt: skip


def _reopen(path: str, times: int) -> None:
    from pathlib import Path

    for _ in range(times):
        TantivyBackend(Path(path), [TYPE])


def test_reopening_keeps_the_documents_and_leaves_the_marker_alone(tmp_path):
    index = TantivyBackend(tmp_path / "index", [TYPE])
    index.apply(_docs(30), [])
    marker = tmp_path / "index" / SCHEMA_MARKER
    before = marker.stat()
    again = TantivyBackend(tmp_path / "index", [TYPE])
    after = marker.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert again.count() == 30
    assert again.search(SearchRequest(query="稀土", visibility=frozenset({PUBLIC}), limit=5)).total == 30


def test_processes_opening_the_index_together_never_empty_it(tmp_path):
    TantivyBackend(tmp_path / "index", [TYPE]).apply(_docs(30), [])
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_reopen, args=(str(tmp_path / "index"), 25)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert TantivyBackend(tmp_path / "index", [TYPE]).count() == 30


def test_changed_declarations_start_the_index_afresh(tmp_path):
    TantivyBackend(tmp_path / "index", [TYPE]).apply(_docs(30), [])
    changed = TantivyBackend(tmp_path / "index", [OTHER])
    assert changed.count() == 0
    assert (tmp_path / "index" / SCHEMA_MARKER).read_text() == changed._fingerprint()
    assert not (tmp_path / "index" / f"{SCHEMA_MARKER}.tmp").exists()

    # Until a rebuild, the index says it needs one (the worker's catch-up asks).
    assert changed.rebuild_needed()
    changed.rebuild(_docs(3))
    assert not changed.rebuild_needed() and not (tmp_path / "index" / REBUILD_MARKER).exists()
    assert not TantivyBackend(tmp_path / "index", [OTHER]).rebuild_needed()  # reopened unchanged: nothing to do
