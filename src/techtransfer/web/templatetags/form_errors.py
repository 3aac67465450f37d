"""The fields of a form that have an error, for the summary above it (`web/_form_errors.html`)."""

from __future__ import annotations

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@register.filter
def fields_with_errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(element id, label) of each field with an error, in the form's order; the messages above the
    form (not of one field) are not listed: they are shown as they are."""
    out = []
    for name, bound in ((n, form[n]) for n in form.fields if n in form.errors and n != NON_FIELD_ERRORS):
        # A group of choices has no single input to point to: its first one.
        target = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else name)
        out.append((target, str(bound.label or name)))
    return out
