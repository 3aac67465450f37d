"""Styled forms: binding must not validate before a subclass has set up its fields."""

from django import forms

from techtransfer.core.forms import StyledForm


class _LateChoices(StyledForm):
    colour = forms.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = [("red", "red")]


def test_a_bound_form_validates_against_choices_set_after_init():
    form = _LateChoices(data={"colour": "red"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"colour": "red"}


def test_invalid_fields_are_still_marked_after_validation():
    form = _LateChoices(data={"colour": "blue"})
    assert not form.is_valid()
    assert form.fields["colour"].widget.attrs["aria-invalid"] == "true"
