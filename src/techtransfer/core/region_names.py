"""English names of GB/T 2260 regions for readers of the English pages: the stem in Hanyu Pinyin
(pypinyin, shipped; polyphonic place names come from its phrase dictionary: 重庆 Chongqing, 六安
Lu'an is the one kind it may miss) and the level's English word (江西省 → Jiangxi Province, 南昌县 →
Nanchang County). The Chinese name stays the region's name; this is a reading aid shown beside it."""

from __future__ import annotations

import functools
import re

from pypinyin import lazy_pinyin

# Longest first: 自治区 before 区, 地区 before 区.
SUFFIXES = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("市辖区", "City Districts"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("盟", "League"),
    ("旗", "Banner"),
)
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})  # named without "City"
# The names English has its own words for.
KNOWN = {
    "香港特别行政区": "Hong Kong SAR",
    "澳门特别行政区": "Macao SAR",
    "内蒙古自治区": "Inner Mongolia Autonomous Region",
    "台湾省": "Taiwan Province",
    "市辖区": "City Districts",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
}
# The peoples named in autonomous regions' names (longest first), each read as a word of its own
# without 族, as English names them (广西壮族自治区 → Guangxi Zhuang Autonomous Region).
PEOPLES = re.compile(
    "(柯尔克孜|乌孜别克|维吾尔|哈萨克|塔吉克|达斡尔|鄂温克|鄂伦春|俄罗斯|塔塔尔|朝鲜|蒙古|土家|锡伯|哈尼|傈僳|纳西|景颇|"
    "布依|仡佬|拉祜|毛南|仫佬|撒拉|东乡|保安|裕固|普米|独龙|阿昌|布朗|德昂|基诺|门巴|珞巴|赫哲|高山|"
    "壮|回|藏|苗|彝|瑶|白|傣|黎|佤|畲|水|土|京|怒|羌|侗|满)族"
)


@functools.lru_cache(maxsize=8192)
def english(name: str) -> str:
    """The English reading of a region's Chinese name ("" for an empty name)."""
    if not name:
        return ""
    if name in KNOWN:
        return KNOWN[name]
    stem, word = name, ""
    for suffix, english_word in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, word = name[: -len(suffix)], english_word
            break
    if name in MUNICIPALITIES:
        word = ""
    # A place and its peoples (广西 壮, 恩施 土家 苗) are words of their own; a place alone is one.
    first = PEOPLES.search(stem)
    parts = [stem[: first.start()], *(m.group(1) for m in PEOPLES.finditer(stem))] if first else [stem]
    reading = " ".join(_capitalised("".join(lazy_pinyin(part))) for part in parts if part.strip())
    return f"{reading} {word}".strip()


def _capitalised(syllables: str) -> str:
    return syllables[:1].upper() + syllables[1:]
