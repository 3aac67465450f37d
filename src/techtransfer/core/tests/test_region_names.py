"""Regions read in English beside their Chinese names on English pages (QA: an English visitor had
to pick "Province" from a list in Chinese only)."""

import pytest
from django.test import Client

from techtransfer.core.region_names import english


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("江西省", "Jiangxi Province"),
        ("南昌市", "Nanchang City"),
        ("东湖区", "Donghu District"),
        ("南昌县", "Nanchang County"),
        ("北京市", "Beijing"),  # a municipality: no "City"
        ("重庆市", "Chongqing"),  # 重 read chong in the place name
        ("广西壮族自治区", "Guangxi Zhuang Autonomous Region"),
        ("恩施土家族苗族自治州", "Enshi Tujia Miao Autonomous Prefecture"),
        ("大兴安岭地区", "Daxinganling Prefecture"),
        ("阿拉善盟", "Alashan League"),
        ("香港特别行政区", "Hong Kong SAR"),
        ("市辖区", "City Districts"),
        ("", ""),
    ],
)
def test_english_reading_of_region_names(name, reading):
    assert english(name) == reading


def test_the_registration_form_names_regions_in_both_languages_to_english_readers(db):
    english_page = Client().get("/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="360000">江西省 (Jiangxi Province)</option>' in english_page
    chinese_page = Client().get("/register/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="360000">江西省</option>' in chinese_page
    options = Client().get("/regions/options/?province=360000", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="360100">南昌市 (Nanchang City)</option>' in options
