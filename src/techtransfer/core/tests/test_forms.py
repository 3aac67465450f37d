"""Styled forms validate only once subclasses have finished setting up their fields."""

import pytest
from django import forms

from techtransfer.achievements.forms import AchievementForm
from techtransfer.core.forms import StyledForm

pytestmark = pytest.mark.django_db


class ChoicesAfterInit(StyledForm):
    colour = forms.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = [("red", "red")]


def test_choices_set_after_init_are_used_for_validation():
    form = ChoicesAfterInit({"colour": "red"})
    assert form.is_valid(), form.errors
    bad = ChoicesAfterInit({"colour": "blue"})
    assert not bad.is_valid()
    assert "is-invalid" in bad.fields["colour"].widget.attrs["class"]
    assert bad.fields["colour"].widget.attrs["aria-invalid"] == "true"


def test_achievement_form_accepts_a_known_discipline():
    form = AchievementForm({"discipline": "电气工程"})
    form.is_valid()
    assert "discipline" not in form.errors
