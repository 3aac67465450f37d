"""IP lines as people type them: the four parts, or three when the last is a number (an application
number, or a Chinese publication number, which goes to its own column); the short type names
(实用新型, 软件著作权); a title after the second colon is not mistaken for a number."""

from __future__ import annotations

import pytest
from django.utils import translation

from techtransfer.achievements.io import parse_ip_items

FORMAT = "Entry 1: write type：title：application number：publication number (parts may be empty)."


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ("发明专利：一种正极材料：CN202310000000.0：CN116000000A",
         ("invention_patent", "一种正极材料", "CN202310000000.0", "CN116000000A")),
        ("发明专利：一种正极材料：CN202310000000.0", ("invention_patent", "一种正极材料", "CN202310000000.0", "")),
        ("发明专利：一种正极材料：ZL 2023 1 0000000.0", ("invention_patent", "一种正极材料", "ZL 2023 1 0000000.0", "")),
        ("实用新型：一种夹具：CN216000000U", ("utility_model", "一种夹具", "", "CN216000000U")),
        ("软件著作权：稀土配分管理系统：2023SR0123456", ("software_copyright", "稀土配分管理系统", "2023SR0123456", "")),
        ("发明专利：方法：装置与系统：CN1：CN2", ("invention_patent", "方法：装置与系统", "CN1", "CN2")),
    ],
)  # fmt: skip
def test_lines_are_read(line, item):
    items, errors = parse_ip_items(line)
    assert errors == []
    assert [(i["kind"], i["title"], i["application_number"], i["publication_number"]) for i in items] == [item]


@pytest.mark.parametrize(
    "line", ["发明专利：一种方法：装置", "发明专利：一种5G基站：5G基站天线", "发明专利：CN202310000000.0"]
)
def test_a_title_is_not_read_as_a_number(line):
    with translation.override("en"):
        assert parse_ip_items(line) == ([], [FORMAT])
