"""English names of GB/T 2260 regions for readers of the English pages (江西省 → Jiangxi Province,
南昌县 → Nanchang County). The Chinese name stays the region's name; this is a reading aid shown
beside it.

How a name is read:
- the level's English word from the end of the name (省 Province, 自治州 Autonomous Prefecture, …),
  or the generic words of a functional zone (经济技术开发区 Economic and Technological Development
  Zone, 管理区 Administrative Area, …);
- the peoples of an autonomous area by their English names as the State Ethnic Affairs Commission
  gives them (藏族 Tibetan, 蒙古族 Mongol, 满族 Manchu), joined with "and" (恩施土家族苗族自治州 →
  Enshi Tujia and Miao Autonomous Prefecture);
- the place itself in Hanyu Pinyin (pypinyin, shipped), one word per place (唐山市汉沽管理区 →
  Tangshan Hangu Administrative Area), an apostrophe before a syllable that opens with a, o or e
  (吉安 Ji'an, 西安 Xi'an);
- place-name readings of polyphonic characters, which pypinyin's everyday readings miss: 长 is
  chang (长治 Changzhi), 都 du (宁都 Ningdu), 乐 le, 勒 le, 什 shi, 朝 chao, 佛 fo, and a few whole
  names read their own way (乐亭 Laoting, 六安 Lu'an, 洪洞 Hongtong, 闵行 Minhang).
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from pypinyin import lazy_pinyin

# Longest first: 自治区 before 区, 地区 before 区.
SUFFIXES = (
    ("特别行政区", "Special Administrative Region"),
    ("行政委员会", "Administrative Committee"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("市辖区", "City Districts"),
    ("矿区", "Mining District"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("特区", "Special District"),
    ("群岛", "Islands"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("盟", "League"),
    ("旗", "Banner"),
)
# Functional zones (开发区, 园区, 管理区 …), longest first; tried before SUFFIXES. 园区 alone is not one:
# 绿园区 and 下花园区 are districts (…园 + 区).
ZONES = (
    ("高新技术产业开发区", "Hi-tech Industrial Development Zone"),
    ("高新技术产业园区", "Hi-tech Industrial Park"),
    ("高技术产业开发区", "Hi-tech Industrial Development Zone"),
    ("转型综合改革示范区", "Comprehensive Transformation and Reform Demonstration Zone"),
    ("城乡一体化示范区", "Urban-Rural Integration Demonstration Zone"),
    ("综合物流产业聚集区", "Comprehensive Logistics Industry Cluster"),
    ("文化旅游创意园区", "Cultural Tourism and Creative Industry Park"),
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("经济综合实验区", "Comprehensive Economic Experimental Zone"),
    ("高新技术开发区", "Hi-tech Development Zone"),
    ("循环化工园区", "Circular Chemical Industry Park"),
    ("管理区管委会", "Administrative Area Management Committee"),
    ("现代产业园区", "Modern Industrial Park"),
    ("风景名胜区", "Scenic Area"),
    ("经济开发区", "Economic Development Zone"),
    ("工业园区", "Industrial Park"),
    ("管理区", "Administrative Area"),
    ("示范区", "Demonstration Zone"),
    ("开发区", "Development Zone"),
    ("新城", "New Town"),
)
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})  # named without "City"
# The names English has its own words for.
KNOWN = {
    "香港特别行政区": "Hong Kong SAR",
    "澳门特别行政区": "Macao SAR",
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "台湾省": "Taiwan Province",
    "市辖区": "City Districts",
    # GB/T 2260's pseudo-city grouping a municipality's counties (重庆市 500200): not a place called Xian.
    "县": "Counties",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
    "省直辖县级行政区划": "County-level Divisions under the Province",
    "自治区直辖县级行政区划": "County-level Divisions under the Autonomous Region",
    "吉林中国新加坡食品区": "Jilin China-Singapore Food Zone",
    "中新苏滁高新技术产业开发区": "China-Singapore Suchu Hi-tech Industrial Development Zone",
    "中沙群岛的岛礁及其海域": "Islands, Reefs and Waters of the Zhongsha Islands",
}
# Places inside longer names that English has its own words for (内蒙古阿拉善高新技术产业开发区).
PLACES = {"内蒙古": "Inner Mongolia"}
# The peoples named in autonomous areas' names and their English names (the State Ethnic Affairs
# Commission's), longest first. A people is read before 族, or before 自治 without it (伊犁哈萨克自治州).
PEOPLE_NAMES = {
    "柯尔克孜": "Kirgiz",
    "乌孜别克": "Uzbek",
    "维吾尔": "Uygur",
    "哈萨克": "Kazak",
    "塔吉克": "Tajik",
    "达斡尔": "Daur",
    "鄂温克": "Ewenki",
    "鄂伦春": "Oroqen",
    "俄罗斯": "Russian",
    "塔塔尔": "Tatar",
    "朝鲜": "Korean",
    "蒙古": "Mongol",
    "土家": "Tujia",
    "锡伯": "Xibe",
    "哈尼": "Hani",
    "傈僳": "Lisu",
    "纳西": "Naxi",
    "景颇": "Jingpo",
    "布依": "Bouyei",
    "仡佬": "Gelao",
    "拉祜": "Lahu",
    "毛南": "Maonan",
    "仫佬": "Mulam",
    "撒拉": "Salar",
    "东乡": "Dongxiang",
    "保安": "Bonan",
    "裕固": "Yugur",
    "普米": "Pumi",
    "独龙": "Derung",
    "阿昌": "Achang",
    "布朗": "Blang",
    "德昂": "De'ang",
    "基诺": "Jino",
    "门巴": "Monba",
    "珞巴": "Lhoba",
    "赫哲": "Hezhen",
    "高山": "Gaoshan",
    "各": "Multi-ethnic",  # 龙胜各族自治县: Longsheng Multi-ethnic Autonomous County
    "壮": "Zhuang",
    "回": "Hui",
    "藏": "Tibetan",
    "苗": "Miao",
    "彝": "Yi",
    "瑶": "Yao",
    "白": "Bai",
    "傣": "Dai",
    "黎": "Li",
    "佤": "Va",
    "畲": "She",
    "水": "Shui",
    "土": "Tu",
    "京": "Jing",
    "怒": "Nu",
    "羌": "Qiang",
    "侗": "Dong",
    "满": "Manchu",
}
_PEOPLE = "|".join(sorted(PEOPLE_NAMES, key=len, reverse=True))
PEOPLES = re.compile(f"({_PEOPLE})族")
# The peoples at the end of an autonomous area's stem; the last may lack 族 if its name has two
# characters or more (伊犁哈萨克自治州, but 西藏自治区 is no 藏 people's).
_LONG_PEOPLE = "|".join(p for p in sorted(PEOPLE_NAMES, key=len, reverse=True) if len(p) > 1)
_PEOPLES_AT_END = re.compile(f"(?:(?:{_PEOPLE})族)*(?:(?:{_PEOPLE})族|(?:{_LONG_PEOPLE}))$")
# Place-name readings where pypinyin's everyday reading is wrong. Whole names first (longest first),
# then single characters that place names read one way (长 is zhang only in 长子).
NAME_READINGS = {
    "长子": ("zhang", "zi"),
    "乐亭": ("lao", "ting"),
    "乐清": ("yue", "qing"),
    "六安": ("lu", "an"),
    "六合": ("lu", "he"),
    "洪洞": ("hong", "tong"),
    "闵行": ("min", "hang"),
    "东阿": ("dong", "e"),
    "涡阳": ("guo", "yang"),
    "繁峙": ("fan", "shi"),
    "宕昌": ("tan", "chang"),
    "蔚": ("yu",),  # 蔚县
    "费": ("bi",),  # 费县
    "单": ("shan",),  # 单县
}
CHARACTER_READINGS = {
    "长": "chang",
    "都": "du",
    "乐": "le",
    "勒": "le",
    "什": "shi",
    "朝": "chao",
    "佛": "fo",
    "漯": "luo",
    "浚": "xun",
    "蚌": "beng",
    "筠": "jun",
    "覃": "qin",
    "曾": "zeng",
    "珲": "hun",
    "棱": "ling",
    "伽": "jia",
}
_NAMES_LONGEST_FIRST = sorted(NAME_READINGS, key=len, reverse=True)
_CJK = re.compile(r"[\u3400-\u9fff]")
_REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions_gbt2260.csv"


@functools.lru_cache(maxsize=8192)
def english(name: str) -> str:
    """The English reading of a region's Chinese name ("" for an empty name)."""
    if not name:
        return ""
    if name in KNOWN:
        return KNOWN[name]
    stem, word = name, ""
    for suffix, english_word in (*ZONES, *SUFFIXES):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, word = name[: -len(suffix)], english_word
            break
    if name in MUNICIPALITIES:
        word = ""
    zone = any(name.endswith(suffix) for suffix, _english in ZONES)
    peoples: list[str] = []
    if word.startswith("Autonomous") or (stem.endswith("族") and word == "District"):
        found = _PEOPLES_AT_END.search(stem)
        if found:  # at the start only when the stem is the people alone: 鄂伦春自治旗
            peoples = [PEOPLE_NAMES[m] for m in re.findall(f"({_PEOPLE})族?", found.group())]
            stem = stem[: found.start()]
    # A zone's name may start with several places (河北唐山芦台); so may a name with a 市 inside.
    places = _places(stem) if zone or "市" in stem[:-1] else [stem]
    reading = " ".join(_read(place) for place in places)
    return " ".join(part for part in (reading, _and(peoples), word) if part)


def _and(words: list[str]) -> str:
    """Tujia and Miao; Yi, Hui and Miao."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@functools.cache
def _known_places() -> tuple[str, ...]:
    """The stems of provinces and cities (唐山, 河北, 石家庄) and of counties with three characters or
    more (格尔木), longest first: the places a zone's name starts with (河北唐山芦台经济开发区). Shorter
    county stems would cut words apart (大通湖 is no 大通 区's lake)."""
    stems: set[str] = set()
    with _REGIONS_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            stem = row["name"]
            for suffix, _english in SUFFIXES:
                if stem.endswith(suffix) and len(stem) > len(suffix):
                    stem = stem[: -len(suffix)]
                    break
            if len(stem) >= (2 if row["level"] in ("province", "city") else 3):
                stems.add(stem)
    return tuple(sorted(stems, key=len, reverse=True))


def _places(stem: str) -> list[str]:
    """`stem` cut into places: known places (each without a 市 or 省 that follows it) and the text
    between them (河北唐山芦台 → 河北, 唐山, 芦台; 唐山市汉沽 → 唐山, 汉沽). One character left over
    belongs to the place before it (东营港 → 东营港)."""
    places: list[str] = []
    rest = ""
    i = 0
    while i < len(stem):
        known = next((p for p in _known_places() if stem.startswith(p, i) and len(p) < len(stem)), None)
        if known is None:
            rest += stem[i]
            i += 1
            continue
        if rest:
            places.append(rest)
            rest = ""
        places.append(known)
        i += len(known)
        if stem[i : i + 1] in ("市", "省"):
            i += 1
    if len(rest) == 1 and places:
        places[-1] += rest
    elif rest:
        places.append(rest)
    return places


def _read(place: str) -> str:
    """One place in Hanyu Pinyin, capitalised, with apostrophes (吉安 → Ji'an)."""
    if place in PLACES:
        return PLACES[place]
    syllables = _syllables(place)
    if not syllables:
        return ""
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in ("a", "o", "e") else "") + syllable
    return word[:1].upper() + word[1:]


def _syllables(place: str) -> list[str]:
    """One syllable per character, place-name readings first; anything but Chinese as it is."""
    if not all(_CJK.match(ch) for ch in place):
        return ["".join(lazy_pinyin(place, v_to_u=True))]
    syllables = lazy_pinyin(place, v_to_u=True)
    if len(syllables) != len(place):  # not expected for Chinese characters; keep the plain reading
        return ["".join(syllables)]
    fixed = [False] * len(place)
    for name in _NAMES_LONGEST_FIRST:
        start = place.find(name)
        while start >= 0:
            if not any(fixed[start : start + len(name)]):
                syllables[start : start + len(name)] = NAME_READINGS[name]
                fixed[start : start + len(name)] = [True] * len(name)
            start = place.find(name, start + 1)
    for i, ch in enumerate(place):
        if not fixed[i] and ch in CHARACTER_READINGS:
            syllables[i] = CHARACTER_READINGS[ch]
    return syllables


def shown(name: str) -> str:
    """A region's Chinese name as a page in the active language shows it: 南昌县, or on English pages
    南昌县 (Nanchang County), as the region selects read."""
    from django.utils.translation import get_language

    return f"{name} ({english(name)})" if name and get_language() == "en" else name
