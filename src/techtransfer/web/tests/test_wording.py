"""Lists and labels run into a line are punctuated for the language they are shown in."""

import pytest
from django.template import Context, Template
from django.utils import translation

TEMPLATE = (
    "{% load wording %}{{ items|run_in }}|{{ clauses_|clauses }}|{{ label|labelled:value }}"
    "|{% for i in items %}{{ i }}{% if not forloop.last %}{% list_sep %}{% endif %}{% endfor %}|a:{% gap %}b"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "稀土、永磁|行业：新材料；地区：江西省|行业：新材料|稀土、永磁|a:b"),
        ("en", "稀土, 永磁|行业：新材料; 地区：江西省|Industry: 新材料|稀土, 永磁|a: b"),
    ],
)
def test_lists_clauses_and_labels_follow_the_language(language, expected):
    context = {"items": ["稀土", "永磁"], "clauses_": ["行业：新材料", "地区：江西省"], "value": "新材料"}
    with translation.override(language):
        context["label"] = translation.gettext("Industry")
        assert Template(TEMPLATE).render(Context(context)) == expected


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [("zh-hans", "50", "50.00 万元"), ("en", "50", "500,000 yuan"), ("en", "0.01", "100 yuan"), ("en", None, "")],
)
def test_amounts_in_ten_thousand_yuan_read_as_one_number(language, value, shown):
    """QA: the English achievement page read "Price 100.00 10,000 yuan" (two numbers)."""
    from django.utils import translation

    from techtransfer.web.templatetags.wording import wan

    with translation.override(language):
        assert wan(value) == shown
