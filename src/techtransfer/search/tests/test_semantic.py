"""The semantic side: the shipped encoder, the vector index (permissions and filters inside), vectors
in the database, and hybrid ranking through the real services."""

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser

from techtransfer.search.backends import get_backend, reset_backends
from techtransfer.search.backends.base import SearchMode, SearchRequest
from techtransfer.search.models import SearchVector
from techtransfer.search.outbox import apply_pending
from techtransfer.search.registry import PUBLIC, FilterKind, SearchDocument
from techtransfer.search.semantic import store
from techtransfer.search.semantic.encoder import document_parts, get_encoder
from techtransfer.search.semantic.index import Entry, VectorIndex
from techtransfer.search.services import reindex, search
from techtransfer.search.tests.helpers import draft, publish
from techtransfer.search.tests.test_permissions import INTERNAL_NAME, PUBLIC_NAME, SEES, records  # noqa: F401

KINDS = {"industry": FilterKind.KEYWORD, "region": FilterKind.PREFIX, "trl": FilterKind.INT}


def test_encoder_gives_unit_vectors_and_closer_vectors_to_related_texts():
    enc = get_encoder()
    v = enc.encode(["锂离子电池正极材料的制备", "锂电池正极材料合成工艺", "水稻节水灌溉技术", "", "!!!"])
    assert v.shape == (5, enc.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert not v[3].any() and not v[4].any()  # nothing known: a zero vector, never NaN
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2
    # Traditional and full-width input is normalised before lookup, as in the lexical index.
    assert np.allclose(enc.encode_one("鋰離子電池"), enc.encode_one("锂离子电池"), atol=1e-6)
    # A document of several fields is the sum of its parts' tokens.
    assert np.allclose(
        enc.encode_parts([["锂离子电池", "正极材料"]])[0], enc.encode_one("锂离子电池 正极材料"), atol=1e-5
    )


def test_encoder_falls_back_to_characters_for_unknown_words():
    enc = get_encoder()
    word = "钠离子"  # a word rjieba keeps whole that is not in the vocabulary
    assert word not in enc.vocab
    chars = [enc.vocab[c] for c in word]
    # rjieba's search mode yields 离子 (known) and 钠离子 (unknown → its three characters).
    assert enc.ids(word) == [enc.vocab["离子"], *chars]


def _vectors(n, dim, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _request(visibility=(PUBLIC,), **kw):
    return SearchRequest(query="x", visibility=frozenset(visibility), **kw)


@pytest.mark.parametrize("threshold", [10_000, 50])  # exact numpy, then usearch HNSW
def test_vector_index_applies_visibility_and_filters_inside(threshold):
    dim, n = 16, 400
    vecs = _vectors(n, dim)
    entries = [
        Entry(
            uid=f"t:{i}",
            type="t" if i % 5 else "u",
            visibility=[PUBLIC] if i % 2 == 0 else [f"org:{i % 3}"],
            filters={"industry": [f"i{i % 4}"], "region": ["36", "3601"] if i % 3 == 0 else ["44"], "trl": [i % 9 + 1]},
        )
        for i in range(n)
    ]
    index = VectorIndex(dim, KINDS, hnsw_threshold=threshold)
    index.upsert(entries, vecs)
    q = vecs[1]  # the nearest entry is private to org:1
    public = index.search(q, _request(), 20)
    assert len(public) == 20 and all(int(u.split(":")[1]) % 2 == 0 for u, _ in public)
    assert "t:1" not in [u for u, _ in public]
    assert index.search(q, _request(("org:1",)), 1)[0][0] == "t:1"
    sims = [s for _, s in public]
    assert sims == sorted(sims, reverse=True)
    # Asking for more than may be seen gives exactly what may be seen, best first.
    every_public = index.search(q, _request(), 300)
    assert len(every_public) == 200 and {u for u, _ in every_public} == {f"t:{i}" for i in range(0, n, 2)}
    assert [s for _, s in every_public] == sorted((s for _, s in every_public), reverse=True)
    exact = sorted((float(vecs[i] @ q), f"t:{i}") for i in range(0, n, 2))[::-1][:5]
    top = [u for u, _ in index.search(q, _request(), 5)]
    if threshold > n:  # exact numpy: the very same order
        assert top == [u for _, u in exact]
    else:  # HNSW is approximate (and its graph differs between builds): at least 4 of the true top 5
        assert len(top) == 5 and len(set(top) & {u for _, u in exact}) >= 4
    filtered = index.search(
        q, _request(types=["t"], terms={"industry": ["i2"], "region": ["36"]}, ranges={"trl": (3, 7)}), 50
    )
    assert filtered
    for uid, _ in filtered:
        i = int(uid.split(":")[1])
        assert i % 2 == 0 and i % 5 and i % 4 == 2 and i % 3 == 0 and 3 <= i % 9 + 1 <= 7
    assert index.mask(
        _request(types=["t"], terms={"industry": ["i2"], "region": ["36"]}, ranges={"trl": (3, 7)})
    ).sum() == len(filtered)
    # Deleting and re-filing entries moves them out of (and back into) every mask.
    index.delete(["t:0"])
    assert "t:0" not in [u for u, _ in index.search(vecs[0], _request(), 5)]
    index.upsert([Entry(uid="t:2", type="t", visibility=["org:9"])], vecs[2:3])
    assert "t:2" not in [u for u, _ in index.search(vecs[2], _request(), 5)]
    assert index.search(vecs[2], _request(("org:9",)), 1)[0][0] == "t:2"
    assert len(index) == n - 1


@pytest.mark.django_db
def test_outbox_stores_vectors_and_a_new_process_rebuilds_from_them(
    index_dir, verified, applicant_member, applicant_admin, province_reviewer, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    a = draft(verified, applicant_member, name="钙钛矿太阳能电池的封装工艺")
    with django_capture_on_commit_callbacks(execute=True):
        publish(a, applicant_admin, province_reviewer)
    apply_pending()
    row = SearchVector.objects.get(uid=f"achievement:{a.pk}")
    assert row.active and row.model_version == get_encoder().version and row.doc_type == "achievement"
    assert PUBLIC in row.visibility
    stored = store.from_bytes(row.vector)
    assert stored.shape == (get_encoder().dim,) and abs(float(np.linalg.norm(stored)) - 1.0) < 0.01
    # A fresh process (new backend, no in-memory vectors) loads them from the database, no embedding.
    reset_backends()
    calls = []
    monkeypatch.setattr(type(get_encoder()), "encode_parts", lambda self, docs: calls.append(docs) or 1 / 0)
    hits = get_backend().search(
        SearchRequest(query="", visibility=frozenset({PUBLIC}), mode=SearchMode.SEMANTIC)
    )  # empty query: browse
    assert hits.total >= 1
    backend = get_backend()
    backend.sync(backend)
    slot = backend.vectors.slot[f"achievement:{a.pk}"]
    assert np.allclose(backend.vectors.vectors[slot], stored)
    # reindex re-reads every document but reuses the stored vectors (unchanged text and table).
    monkeypatch.undo()
    reindex()  # the organisations, never changed through the outbox, get their rows now
    assert SearchVector.objects.filter(active=True).count() == get_backend().count()
    counted = []
    original = type(get_encoder()).encode_parts
    monkeypatch.setattr(
        type(get_encoder()), "encode_parts", lambda self, docs: counted.extend(docs) or original(self, docs)
    )
    reindex()
    assert counted == []


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
@pytest.mark.parametrize("persona", ["anonymous", "outsider", "applicant_member"])
def test_semantic_and_hybrid_results_only_show_visible_records(request, records, persona, mode):  # noqa: F811
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    get_backend().min_similarity = get_backend().short_min_similarity = -1.0  # no floor: every visible record
    visible = search(user, {"query": ""})  # browsing lists exactly what the user may see
    expected = sorted(h.title for h in visible.results.hits)
    assert expected == sorted(SEES[persona])  # the internal record and the draft: their organisation's
    # A question longer than a term (any word matches): the public record holds 石墨烯, the internal
    # one every word.
    page = search(user, {"query": "石墨烯电极的内部工艺与应用", "mode": mode})
    titles = [h.title for h in page.results.hits]
    assert sorted(titles) == expected
    assert page.results.total == visible.results.total == len(expected)
    # The counts cover what the total covers: the word matches and the records found by meaning alone.
    assert page.type_counts == visible.type_counts
    assert sum(c for _v, _label, c in page.type_counts) == page.results.total
    assert {f.name: f.values for f in page.facets if f.values} == {f.name: f.values for f in visible.facets if f.values}
    for hit in page.results.hits:
        assert hit.semantic_similarity is not None and -1.0 <= hit.semantic_similarity <= 1.0
    insider = INTERNAL_NAME in expected
    if mode == "hybrid":
        top = page.results.hits[0]
        # The record holding the question's words first: the internal one, for those who may see it.
        assert top.title == (INTERNAL_NAME if insider else PUBLIC_NAME)
        assert top.lexical_score is not None and top.fused_score is not None
    # Filtering on the internal record's values finds it for those who may see it only, semantically too.
    assert search(
        user, {"query": "石墨烯电极", "mode": mode, "terms": {"plan_industry": ["new_energy"]}}
    ).results.total == int(insider)
    hidden = search(user, {"query": "石墨烯电极", "mode": mode, "terms": {"stage": ["mature"]}}).results.hits
    assert [h.title for h in hidden] == ([INTERNAL_NAME] if insider else [])


@pytest.mark.django_db
def test_hybrid_finds_by_meaning_what_words_miss_and_explains_it(records, client):  # noqa: F811
    lexical = search(AnonymousUser(), {"query": "石墨烯导热膜的连续化制备", "mode": "lexical"}).results.hits
    assert lexical[0].semantic_similarity is None and lexical[0].lexical_score is not None
    page = client.get("/search/", {"q": "石墨烯导热膜的连续化制备"}, HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200 and PUBLIC_NAME in body
    assert "Why this result:" in body and "meaning similarity" in body
    api = client.get("/api/v1/search", {"q": "石墨烯导热膜", "mode": "semantic"}).json()
    assert [r["title"] for r in api["results"]] == [PUBLIC_NAME]
    assert api["results"][0]["semantic_similarity"] > 0.4 and api["results"][0]["lexical_score"] is None


def test_a_records_title_weighs_twice_in_its_vector():
    doc = SearchDocument(
        type="achievement", pk="1", title="石墨烯导热膜", url="/a/1",
        fields={"name": "石墨烯导热膜", "abstract": "本发明公开了一种稀土永磁材料的制备方法。", "keywords": ""},
    )  # fmt: skip
    assert document_parts(doc) == ["石墨烯导热膜", "石墨烯导热膜", "本发明公开了一种稀土永磁材料的制备方法。"]
    encoder = get_encoder()
    query = encoder.encode_one("石墨烯导热膜")
    weighted = float(query @ encoder.encode_parts([document_parts(doc)])[0])
    once = float(query @ encoder.encode_parts([[doc.title, doc.fields["abstract"]]])[0])
    assert weighted > once  # a record is found by what its title says, whatever else its text holds


@pytest.mark.django_db
def test_a_vector_entry_that_lags_behind_a_permission_change_shows_nothing(records, monkeypatch):  # noqa: F811
    """The page shows lexical candidates from the payloads their own query returned, and checks
    candidates found by meaning alone against the lexical index once more."""
    _public, internal, _draft = records
    backend = get_backend()
    backend.min_similarity = backend.short_min_similarity = -1.0
    search(AnonymousUser(), {"query": "石墨烯", "mode": "hybrid"})  # the web process loads its vectors
    uid = f"achievement:{internal.pk}"
    # An internal record is its organisation's, its reviewers' and platform admins' candidate only.
    assert "public" not in backend.vectors.entries[backend.vectors.slot[uid]].visibility
    shown = backend.vectors.entries[backend.vectors.slot[f"achievement:{_public.pk}"]]
    # As if the vector index still held the record as public after it was made internal.
    backend.vectors.upsert(
        [Entry(uid, shown.type, [PUBLIC], dict(shown.filters))], get_encoder().encode(["石墨烯电极"])
    )
    asked: list[list[str]] = []
    original = type(backend.lexical).payloads
    monkeypatch.setattr(
        type(backend.lexical),
        "payloads",
        lambda self, uids, request: asked.append(list(uids)) or original(self, uids, request),
    )
    page = search(AnonymousUser(), {"query": "石墨烯电极的内部工艺与应用", "mode": "hybrid"})
    assert [h.title for h in page.results.hits] == [PUBLIC_NAME]
    # Only the record found by meaning alone was looked up again (the public one came with its query).
    assert asked == [[uid]]
