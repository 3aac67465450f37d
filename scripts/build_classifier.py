"""Build the shipped discipline and industry classifiers (src/techtransfer/search/classifier/data/).

    PYTHONPATH=src python scripts/build_classifier.py \
        --discipline ../shared/bench/classification/discipline_train.tsv \
        --patents ../shared/bench/classification/patent_ipc_train.tsv \
        --patents-dev ../shared/bench/classification/patent_ipc_valid.tsv

Discipline: a stratified 20 % of the training file (seed 0) is held out to measure accuracy and fit
the softmax temperature and the confidence map (probability → share right); the shipped model is
then trained on every row with the same settings. Two discipline models are written:
`discipline_e5.npz` (n-grams + the rows' multilingual-e5-small vectors, what the platform uses) and
`discipline.npz` (n-grams only, the fallback when the encoder is off or busy). The e5 vectors of the
5,084 rows take about 15 minutes on 2 cores; `--e5-cache` keeps them in a file (checked against the
texts) so that a rebuild skips that.
Industry: patents are labelled through data/ipc_plan_industry.tsv (IPC prefix → action-plan
industry; "other" when no code maps, dropped when codes map to two industries); trained on
--patents, measured, temperature- and map-fitted on --patents-dev, shipped trained on both. The
strategic emerging industry (2018, nine areas) model is built the same way from
data/ipc_emerging_industry.tsv.
Only the bench training/dev files are read, never a test split. Prints the measurements as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techtransfer.settings")

import django  # noqa: E402

django.setup()  # cross_fitted_calibration lives beside the benchmark commands, which read settings

import numpy as np  # noqa: E402

from techtransfer.search.classifier import train  # noqa: E402
from techtransfer.search.classifier.model import DATA, LinearTextModel  # noqa: E402
from techtransfer.search.classify import cross_fitted_calibration  # noqa: E402

OTHER = "other"


def read_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def scores(y_true: list[str], y_pred: list[str], labels: list[str] | None = None) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro", labels=labels)), 4),
    }


def runtime_predictions(
    trained: train.Trained, texts: list[tuple[str, str]], dense: np.ndarray | None = None
) -> list[str]:
    """Predictions through the exported file and the numpy runtime (checks the int8 export)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.npz"
        train.export(trained, path, info={})
        model = LinearTextModel(path)
        return [
            model.classes[int(np.argmax(model.scores(t, b, None if dense is None else dense[i])))]
            for i, (t, b) in enumerate(texts)
        ]


def e5_vectors(texts: list[str], cache: Path | None) -> np.ndarray:
    """The e5 vectors of `texts`, from `cache` when it holds exactly these texts."""
    import hashlib

    digest = hashlib.sha1("\n".join(texts).encode("utf-8"), usedforsecurity=False).hexdigest()
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as z:
            if str(z["digest"]) == digest:
                return z["vectors"]
    vectors = train.dense_vectors(
        texts, progress=lambda done, total: print(f"e5 {done}/{total}", file=sys.stderr) if done % 320 == 0 else None
    )
    if cache is not None:
        with open(cache, "wb") as f:
            np.savez(f, allow_pickle=False, vectors=vectors, digest=np.asarray(digest))
    return vectors


def build_discipline(
    path: Path, out: Path, *, c: float, blocks: tuple[str, ...], dense: np.ndarray | None = None
) -> dict[str, object]:
    """`dense`: e5 vectors of the file's rows (in file order) for a dense model, else n-grams only."""
    from sklearn.model_selection import train_test_split

    rows = read_tsv(path)
    labels = [r["label"] for r in rows]
    index = np.arange(len(rows))
    fit_index, held_index = train_test_split(index, test_size=0.2, random_state=0, stratify=labels)
    fit_rows, held = [rows[i] for i in fit_index], [rows[i] for i in held_index]
    fit_dense, held_dense = (None, None) if dense is None else (dense[fit_index], dense[held_index])
    columns = ["title", "text"]
    trained = train.fit(
        train.prepared_texts(fit_rows, columns), [r["label"] for r in fit_rows], blocks=blocks, c=c, dense=fit_dense
    )
    held_scores = trained.decision(train.prepared_texts(held, columns), held_dense)
    y_held = [r["label"] for r in held]
    predicted = [trained.classes[i] for i in held_scores.argmax(axis=1)]
    temperature = train.fit_temperature(held_scores, y_held, trained.classes)
    mapping = train.fit_confidence_map(held_scores, y_held, trained.classes, temperature)
    top3 = np.argsort(-held_scores, axis=1)[:, :3]
    top3_hit = np.mean([y in {trained.classes[j] for j in row} for y, row in zip(y_held, top3, strict=True)])
    runtime = runtime_predictions(trained, [(r["title"], r["text"]) for r in held], held_dense)
    final = train.fit(train.prepared_texts(rows, columns), labels, blocks=blocks, c=c, dense=dense)
    final.temperature, final.confidence_map = temperature, mapping
    size = train.export(final, out, info={"name": out.stem, "train_rows": len(rows), "source": str(path.name), "c": c})
    return {
        "holdout": {"train_rows": len(fit_rows), "test_rows": len(held), **scores(y_held, predicted)},
        "holdout_top3_accuracy": round(float(top3_hit), 4),
        "holdout_runtime_int8": scores(y_held, runtime),
        "temperature": round(temperature, 4),
        "holdout_calibration_cross_fitted": cross_fitted_calibration(held_scores, y_held, trained.classes),
        "shipped": {"train_rows": len(rows), **size},
    }


def ipc_table(name: str) -> list[tuple[str, str]]:
    """IPC prefix → code from data/ipc_<name>.tsv (columns ipc, <name>, note)."""
    with open(DATA / f"ipc_{name}.tsv", encoding="utf-8", newline="") as f:
        table = [(r["ipc"], r[name]) for r in csv.DictReader(f, delimiter="\t")]
    return sorted(table, key=lambda x: -len(x[0]))  # longest prefix first


def industry_of(subclasses: str, table: list[tuple[str, str]]) -> str | None:
    """The one industry the IPC codes map to, "other" for none, None when they map to several."""
    found = set()
    for code in filter(None, subclasses.split("|")):
        for prefix, industry in table:
            if code.startswith(prefix):
                found.add(industry)
                break
    if not found:
        return OTHER
    return found.pop() if len(found) == 1 else None


def labelled_patents(path: Path, table: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for r in read_tsv(path):
        label = industry_of(r.get("ipc_subclasses", ""), table)
        if label is not None:
            out.append((r["title"], label))
    return out


def build_industry(path: Path, dev: Path, out: Path, *, c: float, field: str) -> dict[str, object]:
    from collections import Counter

    table = ipc_table(field)
    fit_rows, dev_rows = labelled_patents(path, table), labelled_patents(dev, table)
    prepare = train.features.prepare
    trained = train.fit([prepare(t, "") for t, _ in fit_rows], [y for _, y in fit_rows], c=c)
    dev_scores = trained.decision([prepare(t, "") for t, _ in dev_rows])
    y_dev = [y for _, y in dev_rows]
    predicted = [trained.classes[i] for i in dev_scores.argmax(axis=1)]
    temperature = train.fit_temperature(dev_scores, y_dev, trained.classes)
    mapping = train.fit_confidence_map(dev_scores, y_dev, trained.classes, temperature)
    industries = sorted({y for y in y_dev if y != OTHER})
    # Among patents of one of the industries: is the best of them (never "other") the right one?
    seven = [trained.classes.index(i) for i in industries]
    in_seven = [i for i, y in enumerate(y_dev) if y != OTHER]
    best7 = [industries[int(np.argmax(dev_scores[i, seven]))] for i in in_seven]
    gold7 = [y_dev[i] for i in in_seven]
    final = train.fit([prepare(t, "") for t, _ in fit_rows + dev_rows], [y for _, y in fit_rows + dev_rows], c=c)
    final.temperature, final.confidence_map = temperature, mapping
    info = {"name": out.stem, "field": field, "train_rows": len(fit_rows) + len(dev_rows), "c": c}
    size = train.export(final, out, info=info)
    return {
        "train_label_counts": dict(Counter(y for _, y in fit_rows).most_common()),
        "dev_rows": len(dev_rows),
        "dev_incl_other": scores(y_dev, predicted),
        "dev_among_mapped": {"classes": len(industries), "rows": len(gold7), **scores(gold7, best7, labels=industries)},
        "temperature": round(temperature, 4),
        "dev_calibration_cross_fitted": cross_fitted_calibration(dev_scores, y_dev, trained.classes),
        "shipped": {"train_rows": len(fit_rows) + len(dev_rows), **size},
    }


def main() -> None:
    bench = ROOT.parent / "shared" / "bench" / "classification"
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--discipline", type=Path, default=bench / "discipline_train.tsv")
    parser.add_argument("--patents", type=Path, default=bench / "patent_ipc_train.tsv")
    parser.add_argument("--patents-dev", type=Path, default=bench / "patent_ipc_valid.tsv")
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--c", type=float, default=1.0, help="LinearSVC C of the discipline model")
    parser.add_argument("--industry-c", type=float, default=0.5, help="LinearSVC C of the industry model")
    parser.add_argument("--e5-cache", type=Path, help="File (.npz) keeping the discipline rows' e5 vectors")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    dense = e5_vectors(train.dense_texts(read_tsv(args.discipline), ["title", "text"]), args.e5_cache)
    report = {
        "discipline_e5": build_discipline(
            args.discipline, args.out / "discipline_e5.npz", c=args.c, blocks=("chars",), dense=dense
        ),
        "discipline": build_discipline(args.discipline, args.out / "discipline.npz", c=args.c, blocks=("chars",)),
        "industry": build_industry(
            args.patents, args.patents_dev, args.out / "industry.npz", c=args.industry_c, field="plan_industry"
        ),
        "emerging_industry": build_industry(
            args.patents, args.patents_dev, args.out / "emerging.npz", c=args.industry_c, field="emerging_industry"
        ),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
