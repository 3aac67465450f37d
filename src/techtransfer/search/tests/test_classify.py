"""Classification suggestions: the shipped models, GET /search/classify/, POST /api/v1/classify and
the entry forms' suggestion area."""

import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation

from techtransfer.achievements.choices import EmergingIndustry, PlanIndustry, disciplines
from techtransfer.search import classifier
from techtransfer.search.classifier import features, train
from techtransfer.search.classifier.model import LinearTextModel, load
from techtransfer.search.semantic import deep

# A real abstract (CSL, computer science) and a real need-like text.
TITLE = "基于卷积神经网络的图像目标检测算法"
ABSTRACT = (
    "针对图像中小目标检测精度低的问题,提出一种基于改进卷积神经网络的目标检测算法。"
    "该算法在特征提取网络中引入注意力机制,并采用多尺度特征融合,实验结果表明检测精度明显提高。"
)
MEDICINE = "针刺足三里穴治疗脾胃虚弱证的临床观察"
WATER = "城市污水处理厂污泥厌氧消化工艺优化"


def test_shipped_models_use_the_form_codes():
    assert set(load("discipline").classes) == set(load("discipline_e5").classes) == set(disciplines())
    assert load("discipline_e5").dense_weights.shape == (384, 67)  # type: ignore[union-attr]
    assert set(load("industry").classes) == {*PlanIndustry.values, classifier.OTHER}
    # 9 (related services) has no IPC codes, so it is never suggested.
    assert set(load("emerging").classes) == {*EmergingIndustry.values, classifier.OTHER} - {"9"}


def test_suggest_real_chinese_text():
    result = classifier.suggest(TITLE, ABSTRACT)
    assert [s.value for s in result["discipline"]][:1] == ["计算机科学与技术"]
    assert result["industry"][0].value == PlanIndustry.NGIT
    assert result["emerging_industry"][0].value == EmergingIndustry.NGIT
    assert len(result["discipline"]) == len(result["industry"]) == len(result["emerging_industry"]) == 3
    confidences = [s.confidence for s in result["discipline"]]
    assert confidences == sorted(confidences, reverse=True) and 0 < confidences[0] <= 1
    assert classifier.OTHER not in {s.value for s in result["industry"]}
    assert classifier.suggest(MEDICINE)["discipline"][0].value == "中医学/中药学"
    water = classifier.suggest(WATER)
    assert (water["discipline"][0].value, water["industry"][0].value) == ("环境科学与工程", PlanIndustry.GREEN)


def test_the_dense_model_reads_the_e5_vector_and_the_export_keeps_its_scores(tmp_path):
    rows = [
        ("锂电池正极材料", "材料"), ("锂电池负极材料", "材料"), ("正极材料的合成", "材料"),
        ("水稻灌溉技术", "农业"), ("小麦灌溉技术", "农业"), ("水稻育种方法", "农业"),
    ]  # fmt: skip
    prepared = [features.prepare(t, "") for t, _ in rows]
    # Vectors that carry the label on their own axis, so the dense block matters.
    dense = np.array([[1.0, 0.0] if y == "材料" else [0.0, 1.0] for _, y in rows], dtype=np.float32)
    dense = np.hstack([dense, np.zeros((len(rows), 382), dtype=np.float32)])
    trained = train.fit(prepared, [y for _, y in rows], dense=dense, min_df=1)
    assert trained.dense_weight == train.DENSE_WEIGHT
    with pytest.raises(ValueError):
        trained.decision(prepared)  # a dense model without vectors is an error, not a guess
    train.export(trained, tmp_path / "m.npz", info={})
    model = LinearTextModel(tmp_path / "m.npz")
    assert model.dense_weight == train.DENSE_WEIGHT and model.dense_weights.shape == (384, 1)  # type: ignore[union-attr]
    expected = trained.decision(prepared, dense)
    runtime = np.array([model.scores(t, "", dense[i]) for i, (t, _) in enumerate(rows)])
    assert np.allclose(runtime[:, 0], expected, atol=0.02)  # int8 n-gram weights, float32 e5 weights
    with pytest.raises(ValueError):
        model.scores("锂电池", "")


def test_shown_confidence_is_the_share_right_of_answers_that_probable(tmp_path):
    """The held-out map turns a softmax probability into how often such an answer was right; a file
    without a map shows the softmax itself."""
    rows = [("锂电池正极材料", "材料"), ("正极材料的合成", "材料"), ("水稻灌溉技术", "农业"), ("水稻育种方法", "农业")]
    rows += [("数控机床主轴", "机械"), ("机床刀具磨损", "机械")]  # three classes: one score each
    trained = train.fit([features.prepare(t, "") for t, _ in rows], [y for _, y in rows], min_df=1)
    train.export(trained, tmp_path / "plain.npz", info={})
    trained.confidence_map = ([0.2, 0.6, 0.9], [0.1, 0.5, 0.8])
    train.export(trained, tmp_path / "mapped.npz", info={})
    plain, mapped = LinearTextModel(tmp_path / "plain.npz"), LinearTextModel(tmp_path / "mapped.npz")
    p = plain.probabilities("锂电池材料")
    order = np.argsort(-p)
    assert [(s.label, s.confidence) for s in plain.top("锂电池材料")] == [
        (plain.classes[i], pytest.approx(float(p[i]))) for i in order
    ]
    assert plain.classes[order[0]] == "材料"
    expected = np.interp(p, [0.2, 0.6, 0.9], [0.1, 0.5, 0.8])
    assert [(s.label, s.confidence) for s in mapped.top("锂电池材料")] == [
        (plain.classes[i], pytest.approx(float(expected[i]))) for i in order
    ]
    # Beyond the breakpoints the ends hold: 0.05 → 0.1, 0.95 → 0.8; between, a straight line.
    assert mapped.confidence(np.array([0.05, 0.4, 0.95])).tolist() == pytest.approx([0.1, 0.3, 0.8])


def test_the_confidence_map_is_fitted_on_the_best_answers_of_held_out_rows():
    # Two rows scored alike: the best answer (a, probability 0.665 at temperature 1) right on one,
    # the right answer of the other (c) third; the second answers (b, 0.245) wrong on both. Of the two
    # best answers, the share right is 1/2 up there and 0 below, shown as 1 % (never 0 % or 100 %).
    scores = np.array([[2.0, 1.0, 0.0], [2.0, 1.0, 0.0]])
    probability, right = train.fit_confidence_map(scores, ["a", "c"], ["a", "b", "c"], temperature=1.0, k=2)
    assert probability == pytest.approx([0.244728, 0.665241])
    assert right == [0.01, 0.5]


@pytest.fixture
def unhurried_e5(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """An encoder that answers however long it takes and however much it was used before: on a busy
    machine the share of a core and the 2 s wait would hand these texts to the n-gram model, which the
    fallback test below checks on purpose."""
    settings.SEARCH_RERANK_SHARE = settings.SEARCH_RERANK_WAIT_MS = None
    monkeypatch.setattr(classifier, "DENSE_WAIT", None)  # the encoder's own wait: none
    deep.get_contextual_encoder.cache_clear()
    yield
    deep.get_contextual_encoder.cache_clear()


def test_suggestions_use_the_e5_model_and_fall_back_to_the_n_grams(settings, monkeypatch, unhurried_e5):
    assert features.dense_text(" 标题 ", "摘要" * 300) == ("标题。" + "摘要" * 300)[:400]
    assert features.dense_text("", "摘要") == "摘要"
    vector = classifier.dense_vector(TITLE, ABSTRACT)
    assert vector is not None and vector.shape == (384,)
    used = []
    real_load = classifier.load
    monkeypatch.setattr(classifier, "load", lambda name: used.append(name) or real_load(name))
    assert classifier.disciplines(TITLE, ABSTRACT)[0].value == "计算机科学与技术"
    assert used == ["discipline_e5"]
    # Encoder switched off: the n-gram model answers, with the same kind of suggestions.
    deep.get_contextual_encoder.cache_clear()
    try:
        settings.SEARCH_RERANK = False
        used.clear()
        assert classifier.disciplines(TITLE, ABSTRACT)[0].value == "计算机科学与技术"
        assert used == ["discipline"]
    finally:
        deep.get_contextual_encoder.cache_clear()
    # A need form asks for industries only: no discipline, so no e5 vector is computed.
    used.clear()
    result = classifier.suggest(TITLE, ABSTRACT, targets=["industry"])
    assert result["discipline"] == [] == result["emerging_industry"] and len(result["industry"]) == 3
    assert set(used) == {"industry"}  # no discipline model, no e5 vector


def test_remote_sensing_is_surveying_first_for_the_e5_model_and_computing_second(unhurried_e5):
    title, abstract = "基于卷积神经网络的遥感图像目标检测算法", ABSTRACT.replace("图像中", "遥感图像中")
    assert [s.value for s in classifier.disciplines(title, abstract)][:2] == ["测绘科学与技术", "计算机科学与技术"]


def test_short_text_gives_nothing():
    assert classifier.suggest("电机", "") == {"discipline": [], "industry": [], "emerging_industry": []}
    # Long but with nothing to read: fewer than four different letters or characters.
    assert classifier.suggest("a" * 300, "b" * 300 + " !!! ...") == {
        "discipline": [],
        "industry": [],
        "emerging_industry": [],
    }


def test_english_text_gets_a_discipline_but_no_industry():
    """The industry models read Chinese patent titles; on English text they answered their prior
    (new-generation IT at 70-84 % for rice, magnets and herbal medicine)."""
    found = classifier.suggest("Drought-tolerant rice", "Breeding drought-tolerant rice varieties by marker selection.")
    assert found["industry"] == [] and found["emerging_industry"] == []
    assert len(found["discipline"]) == classifier.TOP_K
    chinese = classifier.suggest("稀土永磁回收", "Recycling of rare earth permanent magnets 废旧磁体.")
    assert len(chinese["industry"]) > 0
    assert classifier.reads_chinese("稀土永磁") and not classifier.reads_chinese("稀土 magnet")


def test_labels_are_bilingual():
    with translation.override("en"):
        assert classifier.discipline_label("计算机科学与技术") == "Computer science and technology (Engineering)"
    with translation.override("zh-hans"):
        assert classifier.discipline_label("计算机科学与技术") == "计算机科学与技术（工学）"


# A permanent-magnet motor: none of the plan's seven industries (QA: 新一代信息技术 8 % came first).
MOTOR = ("稀土永磁电机退磁检测技术需求", "我公司生产钕铁硼永磁同步电机，需要一种在线检测永磁体退磁程度的方法")


@pytest.mark.django_db
class TestEndpoint:
    url = "/search/classify/"

    def test_requires_login(self, client):
        r = client.get(self.url, {"name": TITLE})
        assert r.status_code == 302
        assert r["Location"].startswith(reverse("login"))

    def test_returns_buttons_that_fill_the_selects(self, client, applicant_member):
        client.force_login(applicant_member)
        r = client.get(
            self.url,
            {
                "name": TITLE,
                "abstract": ABSTRACT,
                "discipline_select": "id_discipline",
                "industry_select": "id_plan_industry",
                "emerging_select": "id_emerging_industry",
            },
            headers={"Accept-Language": "en"},
        )
        body = r.content.decode()
        assert r.status_code == 200
        assert body.count("data-suggest-fill=") == 9
        assert 'data-suggest-fill="id_discipline" data-suggest-value="计算机科学与技术"' in body
        assert 'data-suggest-fill="id_plan_industry" data-suggest-value="ngit"' in body
        assert "Computer science and technology" in body
        assert "New-generation information technology" in body
        assert 'data-suggest-fill="id_emerging_industry" data-suggest-value="1"' in body

    def test_a_text_of_none_of_the_industries_says_so(self, client, applicant_member):
        """The industry models' "none of these" class first: the closest values are offered as such."""
        client.force_login(applicant_member)
        motor = {"title": MOTOR[0], "summary": MOTOR[1], "industry_select": "id_industry"}
        body = client.post(self.url, motor, headers={"Accept-Language": "en"}).content.decode()
        note = body.split("data-suggest-outside>")[1].split("</span>")[0]
        assert note == "probably none of these (71%); the closest:"
        assert body.count('data-suggest-fill="id_industry"') == 3
        fits = {"title": TITLE, "summary": ABSTRACT, "industry_select": "id_industry"}
        assert "data-suggest-outside" not in client.post(self.url, fits).content.decode()

    def test_the_forms_post_a_long_description(self, client, applicant_member):
        client.force_login(applicant_member)
        long = {"title": TITLE, "description": ABSTRACT * (8000 // len(ABSTRACT) + 1), "industry_select": "id_industry"}
        assert len(long["description"]) >= 8000
        r = client.post(self.url, long)
        assert r.status_code == 200
        assert r.content.decode().count('data-suggest-fill="id_industry"') == 3

    def test_need_form_asks_for_industry_only(self, client, applicant_member):
        client.force_login(applicant_member)
        r = client.get(self.url, {"title": TITLE, "summary": ABSTRACT, "industry_select": "id_industry"})
        body = r.content.decode()
        assert body.count('data-suggest-fill="id_industry"') == 3
        assert "id_discipline" not in body

    def test_validates_input(self, client, applicant_member):
        client.force_login(applicant_member)
        assert client.get(self.url, {"name": "x" * 40001}).status_code == 413
        assert client.get(self.url, {"name": TITLE, "discipline_select": 'a"><script>'}).status_code == 400
        with translation.override("en"):
            r = client.get(self.url, {"name": "ab"}, headers={"Accept-Language": "en"})
            empty = client.get(self.url, {"name": " "}, headers={"Accept-Language": "en"})
        assert r.status_code == 200
        assert "Not enough words yet for a suggestion" in r.content.decode()
        assert "Type a title or an abstract to get suggestions." in empty.content.decode()
        english = client.get(
            self.url,
            {"name": "Rare earth permanent magnet recycling", "industry_select": "id_plan_industry"},
            headers={"Accept-Language": "en"},
        ).content.decode()
        assert "Industry suggestions read Chinese text: add the Chinese title or abstract." in english
        assert "data-suggest-fill" not in english

    @pytest.mark.parametrize(
        ("title", "abstract"), [("12345", "!!!! 67890"), ("2024-01-01", "100% 3.5mm"), ("稀土", "稀土")]
    )
    def test_no_suggestion_without_four_distinct_letters(self, title, abstract):
        assert classifier.suggest(title, abstract) == {key: [] for key in classifier.TARGETS}


@pytest.mark.django_db
def test_api_classify(client, applicant_member):
    payload = {"title": TITLE, "text": ABSTRACT}
    r = client.post("/api/v1/classify", payload, content_type="application/json")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"
    client.force_login(applicant_member)
    r = client.post("/api/v1/classify", payload, content_type="application/json")
    assert r.status_code == 200
    data = r.json()
    assert data["discipline"][0]["value"] == "计算机科学与技术"
    assert data["industry"][0]["value"] == "ngit"
    assert set(data["industry"][0]) == {"value", "label", "confidence"}
    assert data["emerging_industry"][0]["value"] == "1"
    assert data["outside"] == {"industry": 0.0, "emerging_industry": 0.0}
    motor = client.post("/api/v1/classify", {"title": MOTOR[0], "text": MOTOR[1]}, content_type="application/json")
    assert motor.json()["outside"] == {"industry": 0.713, "emerging_industry": 0.767}
    too_long = client.post("/api/v1/classify", {"title": "x" * 4001}, content_type="application/json")
    assert too_long.status_code == 422


@pytest.mark.django_db
def test_entry_forms_render_the_suggestion_area(client, applicant_member):
    client.force_login(applicant_member)
    for url, fields in (
        (reverse("achievements:create"), '"discipline_select": "id_discipline"'),
        (reverse("needs:create"), '"industry_select": "id_industry"'),
    ):
        body = client.get(url).content.decode()
        assert 'id="classify-suggestions"' in body
        assert 'hx-post="/search/classify/"' in body  # a long description does not fit in an address
        assert fields in body
        assert "search/suggest.js" in body
