"""The fields of a form that have an error, for the summary above it (`web/_form_errors.html`)."""

from __future__ import annotations

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@register.simple_tag
def fields_with_errors(form: object, more: object = None) -> list[tuple[str, str]]:
    """(element id, label) of each field with an error, in the form's order, then those of `more` (a
    second form sent in the same HTML form, such as an achievement's contributors and IP items); the
    messages above the form (not of one field) are not listed: they are shown as they are. A tag, not a
    filter: a filter's argument must exist, and most pages send one form."""
    out = []
    for each in (f for f in (form, more) if isinstance(f, forms.BaseForm)):
        for name, bound in ((n, each[n]) for n in each.fields if n in each.errors and n != NON_FIELD_ERRORS):
            # A group of choices has no single input to point to: its first one.
            target = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else name)
            out.append((target, str(bound.label or name)))
    return out
