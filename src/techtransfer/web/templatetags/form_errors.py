"""Counting a form's errors for the screen-reader summary (`web/_form_errors.html`)."""

from __future__ import annotations

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@register.filter
def field_error_count(form: forms.BaseForm) -> int:
    """How many fields have an error; the messages above the form (not of one field) are not counted:
    they are shown, not summarised."""
    return sum(1 for name in form.errors if name != NON_FIELD_ERRORS)
