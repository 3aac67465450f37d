"""The Simplified Chinese catalogue is complete, compiled and used by Django.

The .po file is parsed with a small reader (no extra dependency); the compiled .mo is loaded with
the standard library's gettext so a stale .mo (not recompiled after editing the .po) fails too.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

from techtransfer.core.errors import Errors

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

NOT_FOUND_EN = "The object does not exist or you may not see it."
NOT_FOUND_ZH = "对象不存在或您无权查看。"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def parse_po(text: str) -> list[Entry]:
    """Entries in file order; the header is the entry with an empty msgid. Obsolete (#~) lines are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None:
                finish()  # comments start the next entry
            if current is None:
                current = Entry(line=number)
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgid", "msgctxt") and target is not None and target[0] != "msgctxt":
                finish()  # a new entry without a blank line before it
            if current is None:
                current = Entry(line=number)
            value = ast.literal_eval(literal)
            if keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                i = int(index) if index is not None else 0
                current.msgstr[i], target = value, ("msgstr", i)
            continue
        if line.startswith('"') and current is not None and target is not None:
            value = ast.literal_eval(line)
            kind, i = target
            if kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif kind == "msgid":
                current.msgid += value
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[i] += value
            continue
        raise AssertionError(f"{PO.name}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def catalogue() -> tuple[Entry, list[Entry]]:
    entries = parse_po(PO.read_text(encoding="utf-8"))
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1
    return headers[0], [e for e in entries if e is not headers[0]]


def placeholders(s: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]", s))


def test_parser_reads_multiline_and_plural_entries():
    text = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid ""\n"long "\n"text %(n)s"\nmsgid_plural "texts"\n'
        'msgstr[0] ""\n"长"\n"文本 %(n)s"\n\n'
        'msgid "quote \\"x\\""\nmsgstr "引号“x”"\n'
    )
    header, plural, quoted = parse_po(text)
    assert header.msgid == "" and header.msgstr == {0: "Language: zh_Hans\n"}
    assert plural.msgid == "long text %(n)s"
    assert plural.msgid_plural == "texts"
    assert plural.msgstr == {0: "长文本 %(n)s"}
    assert plural.flags == {"python-format"}
    assert quoted.msgid == 'quote "x"' and quoted.msgstr == {0: "引号“x”"}


def test_header_declares_zh_hans_with_one_plural_form():
    header, _ = catalogue()
    meta = header.msgstr[0]
    assert "Language: zh_Hans\n" in meta
    assert "Plural-Forms: nplurals=1; plural=0;\n" in meta
    assert "Content-Type: text/plain; charset=UTF-8\n" in meta
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated_and_not_fuzzy():
    _, entries = catalogue()
    assert len(entries) > 200
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert fuzzy == []
    empty = [e.msgid for e in entries if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert empty == []
    plural_shape = [e.msgid for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != [0]]
    assert plural_shape == []


def test_placeholders_are_kept():
    _, entries = catalogue()
    broken = [
        e.msgid
        for e in entries
        for s in e.msgstr.values()
        if placeholders(s) != placeholders(e.msgid_plural or e.msgid) or s.count("{") != e.msgid.count("{")
    ]
    assert broken == []


def test_compiled_catalogue_matches_the_po_file():
    _, entries = catalogue()
    with MO.open("rb") as f:
        mo = gettext.GNUTranslations(f)
    assert mo.info()["language"] == "zh_Hans"
    stale = []
    for e in entries:
        if e.msgctxt is not None:
            got = [mo.pgettext(e.msgctxt, e.msgid)]
        elif e.msgid_plural is not None:
            got = [mo.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
        else:
            got = [mo.gettext(e.msgid)]
        if any(g != e.msgstr[0] for g in got):
            stale.append(e.msgid)
    assert stale == []


def test_error_messages_follow_the_active_language():
    with translation.override("zh-hans"):
        assert str(Errors.NOT_FOUND.message) == NOT_FOUND_ZH
        assert str(Errors.PERMISSION_DENIED.message) == "您无权执行此操作。"
    with translation.override("en"):
        assert str(Errors.NOT_FOUND.message) == NOT_FOUND_EN
        assert str(Errors.PERMISSION_DENIED.message) == "You are not allowed to do this."


def test_terminology_and_plurals_through_django():
    from techtransfer.core.choices import OrganisationStatus, OrganisationType, ReviewStatus, Role

    with translation.override("zh-hans"):
        assert str(Role.GOV_REVIEWER.label) == "政府审核员"
        assert str(Role.BROKER.label) == "技术经纪人"
        assert str(OrganisationType.SERVICE_AGENCY.label) == "技术转移服务机构"
        assert str(OrganisationStatus.VERIFIED.label) == "已核验"
        assert str(ReviewStatus.RETURNED.label) == "退回修改"
        assert translation.ngettext("%(n)s event", "%(n)s events", 7) % {"n": 7} == "共 7 条事件"
        assert translation.gettext("Page %(n)s of %(total)s") % {"n": 2, "total": 9} == "第 2 页，共 9 页"
    with translation.override("en"):
        assert str(Role.GOV_REVIEWER.label) == "Government reviewer"
        assert translation.ngettext("%(n)s event", "%(n)s events", 7) % {"n": 7} == "7 events"


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}


def test_no_translated_string_hides_inside_an_f_string():
    """xgettext (makemessages) does not look inside f-string fields: `f"{_('matches')}"` loses its
    msgid, and with it the translation, at the next `make messages`."""
    source = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in GETTEXT_NAMES:
                    found.append(f"{path.relative_to(source)}:{inner.lineno}")
    assert found == []
