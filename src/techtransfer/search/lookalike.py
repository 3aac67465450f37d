"""Chinese characters that look alike (形近字): a word typed with one of them for another (稀士 for
稀土, 锂离了 for 锂离子) is a typo that pinyin does not catch (the two are not homophones).

The groups are written by hand from the usual lists of look-alike characters, with those of
technical writing added (锂/理, 磁/滋, 烯/稀, 钛/汰). The suggestions rank a correction that swaps one
of them for another of its group with the homophones; the search page tries them on a question
that found nothing (`services.look_alike_questions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_GROUPS_WRITTEN = (
    "土士干千于 己已巳 未末 木术本禾 大太犬天夭夫 日曰目白自 人入八 刀力 "
    "戊戌戍成 侯候 析折拆 辨辩辫瓣 即既 测侧恻厕 拔拨 睛晴请清情精静 纪记 "
    "杨扬场肠汤 练炼 历厉沥 坏怀环 贷货 崇祟 汩汨 幅副福富辐 粮狼朗浪 "
    "倍陪培赔 码吗妈玛 锂理埋里鲤哩 钛汰 磁滋慈 烯稀希 膜模摸漠 电由甲申田 "
    "网冈 纳钠呐 钢刚纲岗 铝侣 铜桐洞筒 钴沽估姑 钨乌鸟 王玉主 厂广 免兔 "
    "仓仑 毫豪 募幕墓慕暮 胶较效郊 剂济挤 苯笨 醇淳 酯脂 菌茵 疫役 症证征 "
    "壤嚷攘镶 灌罐 溉概慨 池驰弛地他也 板版扳 路络洛 传转专砖 感惑 "
    "检俭剑捡验险签 象像橡 微徽 波坡玻披破 频濒 射谢 导异 体休 料科 技枝肢 "
    "品晶 质贡 热熟势 压庄 流硫琉疏 酶梅霉海悔 生牛 物勿 因困团囚 胞泡炮抱饱 "
    "通涌诵桶 讯迅汛 据剧锯 型形刑 式试拭 拟似 优忧扰 设没 计汁针 究穷 方万 "
    "向问同 境镜竟竞 保堡 护户沪 污汗 染梁粱 治冶台抬 废度 弃奔 水永冰 "
    "资姿咨 源原愿 矿扩旷 采彩菜 农衣 植殖值置 饲词伺司 疗疔 诊珍 航杭坑抗 "
    "船般舶 舶泊柏拍 辆俩 汽气 油由抽袖铀 核该刻孩 能熊 造告 制剂 材村杉 "
    "纤歼 增僧赠 磨摩魔 蚀烛浊 焊悍捍 接按 钻站粘沾 削消销 锁琐 密蜜 泵泉 "
    "管菅 桥侨骄 隧遂 建健键 凝疑 砂沙纱妙 石右 膏高 璃离漓 陶淘掏萄 "
    "纸低抵底氏 浆奖桨 纺仿访妨防坊 织识职积 酒洒 茶荼 糖塘唐 盐监 粉纷份 "
    "乳孔 准淮 煤谋媒 颗棵裸 雨两 雪雷 风凤 伏状 线钱浅 子了孑孓 "
)
LOOK_ALIKE_GROUPS = tuple(_GROUPS_WRITTEN.split())
_GROUPS_OF: dict[str, frozenset[int]] = {}
for _group_id, _group in enumerate(LOOK_ALIKE_GROUPS):
    for _char in _group:
        _GROUPS_OF[_char] = _GROUPS_OF.get(_char, frozenset()) | {_group_id}
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,8}")


def look_alike(a: str, b: str) -> bool:
    """Do characters `a` and `b` look alike (one group of LOOK_ALIKE_GROUPS)?"""
    return a != b and bool(_GROUPS_OF.get(a, frozenset()) & _GROUPS_OF.get(b, frozenset()))


def alike(char: str) -> list[str]:
    """The characters that look like `char`, in the order of their groups (none for most)."""
    out: dict[str, None] = {}
    for group_id in sorted(_GROUPS_OF.get(char, frozenset())):
        out.update(dict.fromkeys(c for c in LOOK_ALIKE_GROUPS[group_id] if c != char))
    return list(out)


def is_word(question: str) -> bool:
    """Is the (normalised) question one Chinese word of 2–8 characters, which `variants` corrects?"""
    return bool(_CJK_WORD.fullmatch(question))


def variants(word: str, limit: int) -> Iterator[str]:
    """`word` (2–8 Chinese characters, else nothing) with one character swapped for a look-alike, the
    first character's first; at most `limit`."""
    if not is_word(word):
        return
    n = 0
    for p, char in enumerate(word):
        for other in alike(char):
            yield word[:p] + other + word[p + 1 :]
            n += 1
            if n == limit:
                return
