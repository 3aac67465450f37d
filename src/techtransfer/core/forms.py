"""Forms for organisation registration, profile editing, invitations and reviews."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from techtransfer.core import phone, uscc
from techtransfer.core.choices import OrganisationType, Role
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.filters import value_error
from techtransfer.core.models import Organisation, Region, User

USCC_MESSAGES = {
    "length": _("The code must have exactly 18 characters."),
    "character": _("The code may only contain digits and the capital letters A–Y except I, O, S, V and Z."),
    "check": _("The last character does not match the GB 32100-2015 check character. Please check the code."),
}


GROUP_TEMPLATE = "core/widgets/check_group.html"

MAX_COMMENT = 2000  # characters of a workflow step's comment: what the API's action inputs accept too


def date_input() -> forms.DateInput:
    """An <input type=date>. Its value must be ISO (2026-12-07) whatever the page's language: the
    zh-hans format, 2026/12/07, is dropped by the browser, so the field shows empty and an unchanged
    edit fails "required"."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def datetime_input() -> forms.DateTimeInput:
    """An <input type=datetime-local>, its value ISO to the minute (2026-12-07T09:30), as `date_input`."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def workflow_comment(data: Mapping[str, Any]) -> tuple[str, str]:
    """The comment posted with a workflow action (`data`: the POST), and the refusal to show when it
    is longer than `MAX_COMMENT` ("" otherwise; the action must then not be taken).

    A line break counts once, as the text box's `maxlength` counts it (the browser sends it as CR LF):
    a comment the box took is never refused for its line breaks."""
    comment = str(data.get("comment", "")).replace("\r\n", "\n").strip()
    if len(comment) <= MAX_COMMENT:
        return comment, ""
    refusal = str(_("A comment may hold at most %(max)d characters (this one has %(n)d); nothing was done."))
    return comment, refusal % {"max": MAX_COMMENT, "n": len(comment)}


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes and ARIA attributes on every widget, so templates stay plain.

    Reads errors only once validation has run (`_errors`): asking `form.errors` here would validate
    from `__init__`, before subclasses finish setting up their fields (choices, querysets), and
    cache errors against the unfinished fields.
    """
    errors = getattr(form, "_errors", None) or {}
    for name, field in form.fields.items():
        widget = field.widget
        # A group of checkboxes or radio buttons: each input is a check box (a text field's class made
        # them blank pills, ticked or not); the group's error is shown once, below it.
        group = isinstance(widget, forms.RadioSelect)  # CheckboxSelectMultiple too
        if group:  # Django's template gives the wrapper the inputs' class too: a check box around them
            widget.template_name = GROUP_TEMPLATE
        if isinstance(widget, forms.CheckboxInput) or group:
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        # Styled again after validation: the same class once, and is-invalid only while invalid.
        classes = [c for c in classes if c != "is-invalid"]
        classes += [css] if css not in classes else []
        invalid = form.is_bound and name in errors
        if invalid and not group:
            classes.append("is-invalid")
        widget.attrs["class"] = " ".join(classes)
        if field.help_text and form.auto_id:  # the help text's id in web/_field.html, prefix included
            html_name = form.add_prefix(name)  # what BoundField.auto_id gives, without caching a BoundField
            auto_id = form.auto_id % html_name if isinstance(form.auto_id, str) and "%s" in form.auto_id else html_name
            widget.attrs["aria-describedby"] = f"{auto_id}_help"
        if invalid:
            widget.attrs["aria-invalid"] = "true"
        else:
            widget.attrs.pop("aria-invalid", None)


class ValueMessagesMixin(forms.BaseForm):
    """An entry form whose refusals of a value quote the value, in the words of the lists' filters
    (`core.filters.value_error`): "“外星学” is not one of the choices.", "Give 9 or less, not “12”.",
    not Django's stock "Select a valid choice. …" or "Enter a whole number.". Said in `add_error`,
    so the errors of the fields, of the model's validators (`_post_clean`) and of forms that skip
    `full_clean`'s styling (the importer's rows) are all said so; other errors, and messages a field
    was given, are kept as they are.

    On a page each message is shown under its field's label, so it does not repeat it. Where the
    messages are read away from the form (the API's `details.fields`, an import report, a refusal
    shown alone), construct the form with `labelled=True`, or set it on the class: each then names
    its field, "Discipline: “外星学” is not one of the choices."."""

    labelled = False

    def __init__(self, *args: Any, labelled: bool | None = None, **kwargs: Any) -> None:
        if labelled is not None:
            self.labelled = labelled
        super().__init__(*args, **kwargs)

    def add_error(self, field: str | None, error: Any) -> None:
        if isinstance(error, forms.ValidationError):
            if hasattr(error, "error_dict"):
                error = forms.ValidationError(
                    {name: [self._with_value(name, e) for e in errors] for name, errors in error.error_dict.items()}
                )
            elif field is not None:
                error = forms.ValidationError([self._with_value(field, e) for e in error.error_list])
        super().add_error(field, error)

    def _with_value(self, name: str, error: forms.ValidationError) -> forms.ValidationError:
        field = self.fields.get(name)
        if field is None:
            return error
        typed = self.data.get(self.add_prefix(name), "")
        label = str(field.label or name) if self.labelled else None
        return value_error(field, label, error, typed) or error


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        style_fields(self)


class StyledModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        style_fields(self)


class RegionField(forms.ModelChoiceField):
    """A region select whose options read 江西省 (Jiangxi Province) on English pages."""

    def label_from_instance(self, obj: Any) -> str:
        return region_label(obj)


def region_label(region: Region) -> str:
    """A region's name, with its English reading beside it when the page is in English."""
    return f"{region.name} ({region.name_en})" if get_language() == "en" else region.name


def region_full_label(region: Region) -> str:
    """江西省南昌市南昌县, or in English 江西省南昌市南昌县 (Nanchang County, Nanchang City, Jiangxi Province)."""
    return f"{region.full_name} ({region.full_name_en})" if get_language() == "en" else region.full_name


class RegionChoiceMixin(ValueMessagesMixin, StyledForm):
    """Province → city → county selects; the most specific chosen level is the region."""

    province = RegionField(
        label=_("Province"), queryset=Region.objects.filter(parent__isnull=True), empty_label=_("— choose —")
    )
    city = forms.CharField(label=_("City"), required=False)
    county = forms.CharField(label=_("County / district"), required=False)

    def clean_region(self) -> Region | None:
        """The county, else the city, else the province; each must lie inside the level above it
        (GB/T 2260 parents): a county of another city is refused, not silently taken."""
        province = self.cleaned_data.get("province")
        if province is None:
            return None
        city_code, county_code = self.cleaned_data.get("city") or "", self.cleaned_data.get("county") or ""
        city = Region.objects.filter(code=city_code).first() if city_code else None
        if city_code and (city is None or city.parent_id != province.code):
            self.add_error("city", _("Choose a city and county inside the chosen province."))
            return None
        if not county_code:
            return city or province
        county = Region.objects.filter(code=county_code).first()
        if county is None or county.parent is None or county.parent.parent_id != province.code:
            self.add_error("county", _("Choose a city and county inside the chosen province."))
            return None
        if city is not None and county.parent_id != city.code:
            self.add_error("county", _("Choose a county or district of the chosen city."))
            return None
        return county


class OrganisationRegistrationForm(RegionChoiceMixin):
    name = forms.CharField(label=_("Organisation name"), min_length=2, max_length=128)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Organisation type"), choices=OrganisationType.choices)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=64,  # the 18 characters are checked once normalised (full-width, spaces)
        help_text=_("18 characters, as printed on the business licence (GB 32100-2015)."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_phone = phone.PhoneField(label=_("Contact phone"), required=False)
    admin_username = forms.RegexField(
        label=_("Your user name"),
        regex=r"^[\w.@+-]{3,150}$",
        error_messages={"invalid": _("3–150 letters, digits or . @ + - _")},
    )
    admin_display_name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    admin_email = forms.EmailField(label=_("Your e-mail"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Confirm password"), widget=forms.PasswordInput, strip=False)

    field_order = [
        "name", "name_en", "type", "uscc", "province", "city", "county", "address", "website",
        "description", "contact_phone", "admin_username", "admin_display_name", "admin_email",
        "password1", "password2",
    ]  # fmt: skip

    def clean_uscc(self) -> str:
        code = uscc.normalise(self.cleaned_data["uscc"])
        reason = uscc.problem(code)
        if reason is not None:
            raise forms.ValidationError(USCC_MESSAGES[reason], code=f"uscc_{reason}")
        if Organisation.objects.filter(uscc=code).exists():
            raise forms.ValidationError(
                _("An organisation with this unified social credit code already exists."), code="uscc_taken"
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["region"] = self.clean_region()
        code = data.get("uscc")
        if code and data.get("type") == OrganisationType.GOVERNMENT and uscc.registrant_kind(code) != uscc.STATE_ORGAN:
            self.add_error("uscc", forms.ValidationError(str(Errors.USCC_NOT_STATE_ORGAN.message), code="uscc_kind"))
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _https_urls(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationProfileForm(StyledModelForm):
    class Meta:
        model = Organisation
        formfield_callback = _https_urls
        fields = ["name", "name_en", "address", "website", "description", "contact_email", "contact_phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"contact_phone": phone.PhoneField}


def role_choices(organisation: Organisation | None) -> list[tuple[str, Any]]:
    """The roles a member of `organisation` can have: government roles only in a government
    department (the service refuses them elsewhere; the forms no longer offer them)."""
    if organisation is not None and organisation.type == OrganisationType.GOVERNMENT:
        return list(Role.choices)
    return [c for c in Role.choices if c[0] not in (Role.GOV_REVIEWER, Role.GOV_OFFICIAL)]


class InvitationForm(ValueMessagesMixin, StyledForm):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(organisation)  # type: ignore[attr-defined]


class AcceptWithAccountForm(StyledForm):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]{3,150}$")
    display_name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Confirm password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email  # the invitation's address: the similarity validator compares with it

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:  # Django's validators, their messages under the field, as the registration form does
            user = User(
                username=data.get("username") or "", email=self.email, display_name=data.get("display_name", "")
            )
            try:
                validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ReviewForm(ValueMessagesMixin, StyledForm):
    action = forms.ChoiceField(
        choices=[("verify", _("Verify")), ("suspend", _("Suspend")), ("reinstate", _("Reinstate"))]
    )
    comment = forms.CharField(
        label=_("Comment or reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberRoleForm(ValueMessagesMixin, StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(organisation)  # type: ignore[attr-defined]


def apply_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal next to the field it names (`field`; or the first of `fields`, or of
    the lists of messages at the top level of its details), or above the form."""
    field = exc.details.get("field")
    if isinstance(field, str) and field in form.fields:
        form.add_error(field, exc.message)
        return
    named = exc.details.get("fields")
    for name, messages in (named if isinstance(named, dict) else exc.details).items():
        if name in form.fields and isinstance(messages, list):
            for m in messages:
                form.add_error(name, str(m))
            return
    form.add_error(None, exc.message)
