"""Suggested discipline (学科, 67 classes) and industries for a record's title and abstract.

Both models ship in data/ (built by scripts/build_classifier.py; nothing is trained or downloaded at
run time) and are loaded once per process:
- discipline: TF-IDF character 1–3-grams plus the text's multilingual-e5-small vector (the search's
  second-stage encoder, `search.semantic.deep`), linear SVM, trained on the CSL / FewCLUE-CSLDCP
  rows of ../shared/bench/classification/discipline_train.tsv (`discipline_e5`); the codes are the
  achievement form's discipline values. When the encoder is switched off (SEARCH_RERANK=0), stays
  busy for `DENSE_WAIT` seconds or has used up its share of a core (SEARCH_RERANK_SHARE), the
  n-gram-only model (`discipline`) answers instead.
- industry: the same features trained on Chinese patent titles whose IPC codes map to one of the
  action plan's seven industries (data/ipc_plan_industry.tsv); the codes are PlanIndustry values.
- emerging_industry: the same for the nine areas of 战略性新兴产业分类(2018)
  (data/ipc_emerging_industry.tsv); the codes are EmergingIndustry values.

Confidences are the share of held-out answers as probable (softmax with a fitted temperature) that
were right: each model file carries that map (ADR 0020, session 24 revision).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from django.utils.translation import get_language

from techtransfer.search.classifier import features
from techtransfer.search.classifier.model import DATA, Suggestion, load

MIN_CHARS = 4
# The industry models learnt from Chinese patent titles: on text with fewer distinct Chinese
# characters than this they answer their prior (an English abstract about rice or magnets got
# "new-generation information technology" at 70-84 %), so they suggest nothing. The discipline model
# reads the e5 vector too, which is multilingual.
MIN_CHINESE = 4
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_CHARS = 4000
TOP_K = 3
OTHER = "other"  # the industry model's "none of the seven" class, never suggested
DENSE_WAIT = 2.0  # seconds a suggestion waits for a busy e5 engine before the n-gram model answers


@dataclass(frozen=True)
class Suggested:
    value: str
    label: str
    confidence: float  # 0–1


@functools.cache
def _discipline_names() -> dict[str, tuple[str, str, str]]:
    """discipline → (category, English name, English category)."""
    with open(DATA / "discipline_names.tsv", encoding="utf-8", newline="") as f:
        return {
            r["discipline"]: (r["category"], r["discipline_en"], r["category_en"])
            for r in csv.DictReader(f, delimiter="\t")
        }


def discipline_label(value: str) -> str:
    category, english, english_category = _discipline_names().get(value, ("", "", ""))
    if (get_language() or "zh-hans").startswith("zh") or not english:
        return f"{value}（{category}）" if category and category != value else value
    return f"{english} ({english_category})" if english_category and english_category != english else english


def discipline_values() -> list[str]:
    """Every discipline a record can be filed under (the shipped table)."""
    return list(_discipline_names())


def discipline_name(value: str) -> str:
    """The short name of a discipline in the user's language: its English name in English, "" in
    Chinese (the value is the Chinese name). For facets and lists, where the category would crowd."""
    if (get_language() or "zh-hans").startswith("zh"):
        return ""
    return _discipline_names().get(value, ("", "", ""))[1]


@functools.cache
def _category_english() -> dict[str, str]:
    return {category: english for category, _name, english in _discipline_names().values()}


def category_name(category: str) -> str:
    """A discipline category (门类, 工学) in the user's language: its English name in English."""
    if (get_language() or "zh-hans").startswith("zh"):
        return category
    return _category_english().get(category) or category


def _industry_labels() -> dict[str, str]:
    # Labels come from the achievements registry's search declaration (PlanIndustry), so the search
    # app needs no import of the domain app.
    from techtransfer.search.registry import types

    for st in types().values():
        for spec in st.filters:
            if spec.name == "plan_industry" and spec.value_label is not None:
                return {c: str(spec.value_label(c)) for c in load("industry").classes if c != OTHER}
    return {}


def _emerging_labels() -> dict[str, str]:
    # The achievements app's classification (a choices list, not a model).
    from techtransfer.achievements.choices import EmergingIndustry

    return {str(v): str(label) for v, label in EmergingIndustry.choices}


TARGETS = ("discipline", "industry", "emerging_industry")


def dense_vector(title: str, body: str) -> np.ndarray | None:
    """The e5 vector the dense discipline model reads, or None (encoder off, busy or out of credit)."""
    from techtransfer.search.semantic.deep import get_contextual_encoder

    encoder = get_contextual_encoder()
    if encoder is None or not (DATA / "discipline_e5.npz").is_file():
        return None
    return encoder.query(features.dense_text(title, body), wait=DENSE_WAIT, remember=False)


def _named(found: list[Suggestion], name: Callable[[str], str]) -> list[Suggested]:
    """The model's suggestions with the display name of each value, confidences rounded."""
    return [Suggested(s.label, name(s.label), round(s.confidence, 3)) for s in found]


def disciplines(title: str, body: str, k: int = TOP_K) -> list[Suggested]:
    vector = dense_vector(title, body)
    model = load("discipline") if vector is None else load("discipline_e5")
    return _named(model.top(title, body, k, dense=vector), discipline_label)


def too_short(title: str, body: str = "") -> bool:
    """Too short, "aaaa…", or digits and signs only (12345, 2024-01-01 3.5mm): nothing to read."""
    return len({c for c in title + body if c.isalpha()}) < MIN_CHARS


def reads_chinese(text: str) -> bool:
    """Has `text` enough Chinese for the industry models (MIN_CHINESE distinct characters)?"""
    return len(set(_CHINESE.findall(text))) >= MIN_CHINESE


def _label_in(names: dict[str, str]) -> Callable[[str], str]:
    """A value's name in `names`, else the value itself."""
    return lambda value: names.get(value, value)


def suggest(
    title: str, body: str = "", k: int = TOP_K, targets: Collection[str] = TARGETS
) -> dict[str, list[Suggested]]:
    """Top-k disciplines, industries and emerging industries for the text (`assess` without the
    "none of these" shares)."""
    return assess(title, body, k, targets)[0]


def assess(
    title: str, body: str = "", k: int = TOP_K, targets: Collection[str] = TARGETS
) -> tuple[dict[str, list[Suggested]], dict[str, float]]:
    """Top-k disciplines, industries and emerging industries for the text (empty lists when it is
    too short, for industries when it has too little Chinese, and for the targets not asked for: a
    need form wants no discipline, which spares the e5 vector); and for each industry model, the
    probability that the text belongs to none of its values (the class OTHER) when that is its first
    answer, else 0. A permanent-magnet motor is none of the plan's seven industries: its "closest"
    industry at 8 % is then no real suggestion, and the form says so."""
    title, body = title.strip()[:MAX_CHARS], body.strip()[:MAX_CHARS]
    out: dict[str, list[Suggested]] = {key: [] for key in TARGETS}
    outside = {"industry": 0.0, "emerging_industry": 0.0}
    if too_short(title, body):
        return out, outside
    if "discipline" in targets:
        out["discipline"] = disciplines(title, body, k)
    if not reads_chinese(title + body):
        return out, outside
    for key, model, labels in (
        ("industry", "industry", _industry_labels),
        ("emerging_industry", "emerging", _emerging_labels),
    ):
        if key not in targets:
            continue
        ranked = load(model).top(title, body, k + 1)  # OTHER is one class: k others remain
        if ranked and ranked[0].label == OTHER:
            outside[key] = round(ranked[0].confidence, 3)
        found = [s for s in ranked if s.label != OTHER][:k]
        out[key] = _named(found, _label_in(labels()))
    return out, outside
