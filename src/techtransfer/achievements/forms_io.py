"""The upload form of the bulk import (the rows themselves are checked by AchievementForm, in the job)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techtransfer.achievements.io import MAX_ROWS, FileFormat, ImportMode, check_import_file
from techtransfer.core.errors import DomainError
from techtransfer.core.forms import StyledForm, ValueMessagesMixin
from techtransfer.core.models import Organisation, User


def importable_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations the user may import into: those of their active memberships (all, for platform admins)."""
    if user.is_platform_admin:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name").distinct()


class ImportForm(ValueMessagesMixin, StyledForm):
    organisation = forms.ModelChoiceField(
        label=_("Import into"), queryset=Organisation.objects.none(), empty_label=None
    )
    mode = forms.ChoiceField(
        label=_("When some rows have errors"), choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING
    )
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["file"].help_text = _(
            "The template's columns; CSV in UTF-8 or GB18030, or XLSX; at most %(mb)d MB and %(rows)s rows."
        ) % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}
        self.fields["file"].widget.attrs.update({"aria-describedby": "id_file_help", "accept": ".csv,.xlsx"})
        self.format: FileFormat = "csv"

    def clean_file(self) -> UploadedFile:
        f: UploadedFile = self.cleaned_data["file"]
        try:
            self.format = check_import_file(f, name=f.name or "", size=f.size or 0)  # type: ignore[arg-type]
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return f
