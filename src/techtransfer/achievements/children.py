"""Text forms of contributors and IP items, one per line, for the web form.

Contributors: `姓名或单位 | 所在单位 | 贡献`, organisations and people in two lists.
IP items: `类型 | 名称 | 申请号 | 公开(公告)号`, the type as value or label (发明专利 / invention_patent).
"""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techtransfer.achievements.choices import IP_KIND_ALIASES, IPKind
from techtransfer.achievements.models import Achievement, Contributor


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.replace("｜", "|").split("|")]


def parse_contributors(text: str, kind: str) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [*_cells(line), "", "", ""]
        if not cells[0] or len(cells[0]) > 200:
            raise forms.ValidationError(_("Line %(n)d: a name of 1–200 characters comes first.") % {"n": n})
        rows.append({"kind": kind, "name": cells[0], "affiliation": cells[1][:200], "contribution": cells[2][:500]})
    return rows


def _ip_kind(text: str) -> str | None:
    if text in IP_KIND_ALIASES:
        return str(IP_KIND_ALIASES[text])
    for value, label in IPKind.choices:
        if text in (value, str(label)):
            return str(value)
    return None


def parse_ip_items(text: str) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [*_cells(line), "", "", "", ""]
        kind = _ip_kind(cells[0])
        if kind is None:
            raise forms.ValidationError(_("Line %(n)d: unknown IP type “%(t)s”.") % {"n": n, "t": cells[0]})
        if not (cells[1] or cells[2] or cells[3]):
            raise forms.ValidationError(_("Line %(n)d: give a title or a number.") % {"n": n})
        rows.append(
            {
                "kind": kind,
                "title": cells[1][:300],
                "application_number": cells[2][:64],
                "publication_number": cells[3][:64],
            }
        )
    return rows


def format_contributors(a: Achievement, kind: str) -> str:
    return "\n".join(
        " | ".join([c.name, c.affiliation, c.contribution]).rstrip(" |") for c in a.contributors.all() if c.kind == kind
    )


def format_ip_items(a: Achievement) -> str:
    return "\n".join(
        " | ".join([i.get_kind_display(), i.title, i.application_number, i.publication_number])
        for i in a.ip_items.all()
    )


class ChildrenForm(forms.Form):
    """Contributors and IP items as text; validated line by line with the line number in the message."""

    contributor_organisations = forms.CharField(
        label=gettext_lazy("Completing organisations"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Name | place | contribution, one per line, in order."),
    )  # fmt: skip
    contributor_people = forms.CharField(
        label=gettext_lazy("Completing people"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Name | organisation | contribution, one per line, in order."),
    )  # fmt: skip
    ip_items = forms.CharField(
        label=gettext_lazy("Intellectual property"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Type | title | application number | publication number, "
            "e.g. 发明专利 | 一种… | CN202310000000.0 | CN116000000A"
        ),
    )  # fmt: skip

    def clean_contributor_organisations(self) -> list[dict[str, Any]]:
        return parse_contributors(self.cleaned_data["contributor_organisations"], Contributor.Kind.ORGANISATION)

    def clean_contributor_people(self) -> list[dict[str, Any]]:
        return parse_contributors(self.cleaned_data["contributor_people"], Contributor.Kind.PERSON)

    def clean_ip_items(self) -> list[dict[str, Any]]:
        return parse_ip_items(self.cleaned_data["ip_items"])

    def contributors(self) -> list[dict[str, Any]]:
        return [*self.cleaned_data["contributor_organisations"], *self.cleaned_data["contributor_people"]]
