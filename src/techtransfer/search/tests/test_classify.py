"""Classification suggestions: the shipped models, GET /search/classify/, POST /api/v1/classify and
the entry forms' suggestion area."""

import pytest
from django.urls import reverse
from django.utils import translation

from techtransfer.achievements.choices import EmergingIndustry, PlanIndustry, disciplines
from techtransfer.search import classifier
from techtransfer.search.classifier.model import load

# A real abstract (CSL, computer science) and a real need-like text.
TITLE = "基于卷积神经网络的遥感图像目标检测算法"
ABSTRACT = (
    "针对遥感图像中小目标检测精度低的问题,提出一种基于改进卷积神经网络的目标检测算法。"
    "该算法在特征提取网络中引入注意力机制,并采用多尺度特征融合,实验结果表明检测精度明显提高。"
)
MEDICINE = "针刺足三里穴治疗脾胃虚弱证的临床观察"
WATER = "城市污水处理厂污泥厌氧消化工艺优化"


def test_shipped_models_use_the_form_codes():
    assert set(load("discipline").classes) == set(disciplines())
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


def test_short_text_gives_nothing():
    assert classifier.suggest("电机", "") == {"discipline": [], "industry": [], "emerging_industry": []}


def test_labels_are_bilingual():
    with translation.override("en"):
        assert classifier.discipline_label("计算机科学与技术") == "Computer science and technology (Engineering)"
    with translation.override("zh-hans"):
        assert classifier.discipline_label("计算机科学与技术") == "计算机科学与技术（工学）"


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
        assert r.status_code == 200
        assert "Type a title or an abstract to get suggestions." in r.content.decode()


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
        assert 'hx-get="/search/classify/"' in body
        assert fields in body
        assert "search/suggest.js" in body
