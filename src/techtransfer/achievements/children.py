"""Contributors and IP items as text in the web form, in the same format as the spreadsheet columns
(parsed and formatted by `io`, so a record reads the same on the page, in an import and in an export).

Organisations: `单位名称：贡献`; people: `姓名（工作单位）：贡献`; IP items:
`类型：名称：申请号：公开号`. One entry per line.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements import io
from techtransfer.achievements.models import Achievement
from techtransfer.core.forms import StyledForm


def initial_text(a: Achievement) -> dict[str, str]:
    cells = io.achievement_cells(a)
    return {
        "contributor_organisations": cells["contributors_org"],
        "contributor_people": cells["contributors_person"],
        "ip_items": cells["ip_items"],
    }


def _parsed(text: str, parse: Any) -> list[dict[str, Any]]:
    items, errors = parse(text)
    if errors:
        raise forms.ValidationError(errors)
    return list(items)


class ChildrenForm(StyledForm):
    """Validated entry by entry, with the entry number in each message."""

    contributor_organisations = forms.CharField(
        label=_("Completing organisations"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in order: name：contribution (the contribution may be left out)."),
    )  # fmt: skip
    contributor_people = forms.CharField(
        label=_("Completing people"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, in order: name (organisation)：contribution, e.g. 张三（南昌大学）：工艺设计."),
    )  # fmt: skip
    ip_items = forms.CharField(
        label=_("Intellectual property"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: type：title：application number：publication number, "
            "e.g. 发明专利：一种正极材料：CN202310000000.0：CN116000000A"
        ),
    )  # fmt: skip

    def clean_contributor_organisations(self) -> list[dict[str, Any]]:
        return _parsed(self.cleaned_data["contributor_organisations"], io.parse_organisations)

    def clean_contributor_people(self) -> list[dict[str, Any]]:
        return _parsed(self.cleaned_data["contributor_people"], io.parse_people)

    def clean_ip_items(self) -> list[dict[str, Any]]:
        return _parsed(self.cleaned_data["ip_items"], io.parse_ip_items)

    def contributors(self) -> list[dict[str, Any]]:
        return [*self.cleaned_data["contributor_organisations"], *self.cleaned_data["contributor_people"]]
