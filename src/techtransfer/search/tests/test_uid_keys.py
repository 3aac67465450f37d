"""A question's word-match candidates are known by their `uid_key` column (a hash of the uid), not by
opening their stored documents; the page reads the stored payloads of the ones it shows."""

import pytest

from techtransfer.search.backends import tantivy_backend
from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.backends.tantivy_backend import TantivyBackend, uid_key
from techtransfer.search.registry import PUBLIC, SearchDocument, SearchType


def _doc(pk: str, body: str) -> SearchDocument:
    return SearchDocument(
        type="doc", pk=pk, title=f"记录{pk}", url=f"/r/{pk}", fields={"title": "", "body": body}, visibility=[PUBLIC]
    )


@pytest.fixture
def backend(tmp_path):  # type: ignore[no-untyped-def]
    st = SearchType(
        name="doc", label="doc", model_label="x.doc", fields={"title": 3, "body": 1}, load=lambda p: iter(())
    )
    b = TantivyBackend(tmp_path / "index", [st])
    b.rebuild([_doc("1", "稀土永磁材料"), _doc("2", "稀土冶炼"), _doc("3", "水稻灌溉")])
    return b


def _request(query: str) -> SearchRequest:
    return SearchRequest(query=query, visibility=frozenset({PUBLIC}), limit=10, mode=SearchMode.LEXICAL)


def test_candidates_are_known_by_their_key_and_show_their_own_payloads(backend):  # type: ignore[no-untyped-def]
    found = backend.candidates(_request("稀土"))
    assert sorted(uid for uid, _score in found.scores) == ["doc:1", "doc:2"]
    # Both uids are now known to this process by their keys; nothing else is.
    assert backend._uids == {uid_key("doc:1"): "doc:1", uid_key("doc:2"): "doc:2"}
    payloads = found.payloads(["doc:2", "doc:3", "doc:1"])  # doc:3 is no candidate: not read
    assert {uid: (p["title"], p["url"]) for uid, p in payloads.items()} == {
        "doc:1": ("记录1", "/r/1"),
        "doc:2": ("记录2", "/r/2"),
    }
    # A second question reads no stored document to learn its candidates' uids.
    backend._uids.clear()
    backend._uids[uid_key("doc:1")] = "doc:1"
    again = backend.candidates(_request("稀土"))
    assert sorted(uid for uid, _score in again.scores) == ["doc:1", "doc:2"]
    assert backend._uids[uid_key("doc:2")] == "doc:2"


def test_a_changed_index_and_a_full_memory_still_give_the_right_uids(backend, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tantivy_backend, "UID_CACHE", 2)
    backend.candidates(_request("稀土"))
    backend.apply([_doc("4", "稀土催化剂")], ["doc:2"])  # one gone, one new: new addresses
    found = backend.candidates(_request("稀土"))
    assert sorted(uid for uid, _score in found.scores) == ["doc:1", "doc:4"]
    assert len(backend._uids) <= 2  # the memory was emptied when full, then filled again
    assert found.payloads(["doc:4"])["doc:4"]["url"] == "/r/4"


def test_keys_are_64_bit_and_differ():  # type: ignore[no-untyped-def]
    keys = {uid_key(f"achievement:{i}") for i in range(10_000)}
    assert len(keys) == 10_000 and all(0 <= k < 2**64 for k in keys)
