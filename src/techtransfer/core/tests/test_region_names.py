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
        ("恩施土家族苗族自治州", "Enshi Tujia and Miao Autonomous Prefecture"),
        ("威宁彝族回族苗族自治县", "Weining Yi, Hui and Miao Autonomous County"),
        ("甘孜藏族自治州", "Ganzi Tibetan Autonomous Prefecture"),  # peoples by their English names
        ("延边朝鲜族自治州", "Yanbian Korean Autonomous Prefecture"),
        ("青龙满族自治县", "Qinglong Manchu Autonomous County"),
        ("伊犁哈萨克自治州", "Yili Kazak Autonomous Prefecture"),  # a people without 族
        ("鄂伦春自治旗", "Oroqen Autonomous Banner"),  # the people alone
        ("西藏自治区", "Xizang Autonomous Region"),  # 藏 here is the place's, no people
        ("梅里斯达斡尔族区", "Meilisi Daur District"),
        ("龙胜各族自治县", "Longsheng Multi-ethnic Autonomous County"),
        ("大兴安岭地区", "Daxing'anling Prefecture"),  # an apostrophe before a, o, e
        ("吉安市", "Ji'an City"),
        ("西安市", "Xi'an City"),
        # Polyphonic characters read as place names read them.
        ("长治市", "Changzhi City"),
        ("长子县", "Zhangzi County"),
        ("宁都县", "Ningdu County"),
        ("于都县", "Yudu County"),
        ("都昌县", "Duchang County"),
        ("南乐县", "Nanle County"),
        ("乐亭县", "Laoting County"),
        ("乐清市", "Yueqing City"),
        ("六安市", "Lu'an City"),
        ("漯河市", "Luohe City"),
        ("洪洞县", "Hongtong County"),
        ("闵行区", "Minhang District"),
        ("锡林郭勒盟", "Xilinguole League"),
        ("克什克腾旗", "Keshiketeng Banner"),
        ("朝阳市", "Chaoyang City"),
        ("佛冈县", "Fogang County"),
        ("单县", "Shan County"),
        ("蔚县", "Yu County"),
        ("费县", "Bi County"),
        ("珲春市", "Hunchun City"),
        ("穆棱市", "Muling City"),
        ("宕昌县", "Tanchang County"),
        # Functional zones: the places they start with, then the zone's words.
        ("河北唐山芦台经济开发区", "Hebei Tangshan Lutai Economic Development Zone"),
        ("唐山市汉沽管理区", "Tangshan Hangu Administrative Area"),
        ("秦皇岛市经济技术开发区", "Qinhuangdao Economic and Technological Development Zone"),
        ("东营港经济开发区", "Dongyinggang Economic Development Zone"),
        ("内蒙古阿拉善高新技术产业开发区", "Inner Mongolia Alashan Hi-tech Industrial Development Zone"),
        ("苏州工业园区", "Suzhou Industrial Park"),
        ("绿园区", "Lüyuan District"),  # 绿园 + 区, no industrial park; ü as pinyin writes it
        ("峰峰矿区", "Fengfeng Mining District"),
        ("省直辖县级行政区划", "County-level Divisions under the Province"),
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


def test_record_pages_show_regions_with_their_english_reading_to_english_readers(db):
    from django.template import Context, Template
    from django.utils import translation

    from techtransfer.core.models import Region

    county = Region.objects.get(code="360121")  # 南昌县, in 南昌市, in 江西省
    assert county.full_name_en == "Nanchang County, Nanchang City, Jiangxi Province"
    page = Template("{% load regions %}{{ r|region_shown }} | {{ r|region_full_shown }} | {{ none|region_shown }}")
    with translation.override("en"):
        assert page.render(Context({"r": county})) == (
            "南昌县 (Nanchang County) | 江西省南昌市南昌县 (Nanchang County, Nanchang City, Jiangxi Province) | "
        )
    with translation.override("zh-hans"):
        assert page.render(Context({"r": county})) == "南昌县 | 江西省南昌市南昌县 | "
