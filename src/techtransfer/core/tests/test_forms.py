"""Styled forms validate only once subclasses have finished setting up their fields."""

import pytest
from django import forms
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils import translation

from techtransfer.achievements.catalogue_forms import AddEntryForm
from techtransfer.achievements.forms import AchievementForm
from techtransfer.core import django_messages
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


def test_a_group_of_checkboxes_is_styled_as_check_boxes_once_and_without_an_error_mark_per_box():
    class Modes(StyledForm):
        modes = forms.MultipleChoiceField(
            choices=[("licence", "许可"), ("assignment", "转让")], widget=forms.CheckboxSelectMultiple
        )
        name = forms.CharField()

    form = Modes({"modes": ["nope"], "name": ""})
    assert not form.is_valid()  # styled again after validation
    assert form.fields["modes"].widget.attrs == {"class": "form-check-input", "aria-invalid": "true"}
    assert form.fields["name"].widget.attrs["class"] == "form-control is-invalid"
    html = str(form["modes"])
    assert html.count('class="form-check-input"') == 2 and "form-control" not in html
    fixed = Modes({"modes": ["licence"], "name": "x"})
    assert fixed.is_valid()
    assert fixed.fields["name"].widget.attrs["class"] == "form-control"
    assert "aria-invalid" not in fixed.fields["name"].widget.attrs


def test_help_text_is_described_by_the_id_the_field_template_gives_it_prefix_included():
    class Party(StyledForm):
        name = forms.CharField(help_text="名称")

    assert Party().fields["name"].widget.attrs["aria-describedby"] == "id_name_help"
    assert Party(prefix="buyer").fields["name"].widget.attrs["aria-describedby"] == "id_buyer-name_help"
    assert str(Party(prefix="buyer")["name"].auto_id) == "id_buyer-name"


def _flat(choices):  # type: ignore[no-untyped-def]
    """(value, label) of every option, out of their <optgroup>s."""
    return [c for group in choices for c in (group[1] if isinstance(group[1], list) else [group]) if c[0]]


def test_the_achievement_forms_disciplines_are_named_in_the_users_language():
    from django.utils import translation

    with translation.override("en"):
        groups = AchievementForm().fields["discipline"].choices[1:]
        choices = dict(_flat(groups))
    assert choices["地质学/地质资源与地质工程"] == "Geology / geological resources and engineering"
    assert len(choices) == 67
    for _category, options in groups:  # by name within each category
        labels = [label for _value, label in options]
        assert labels == sorted(labels, key=str.lower)
    with translation.override("zh-hans"):
        assert dict(_flat(AchievementForm().fields["discipline"].choices))["地质学/地质资源与地质工程"] == (
            "地质学/地质资源与地质工程"
        )


@pytest.mark.parametrize(
    ("value", "prefix"),
    [("36", "36"), ("360000", "36"), ("3601", "3601"), ("360100", "3601"), ("360102", "360102"), ("３６０１", "3601"),
     (" 3607 ", "3607"), ("abc", None), ("361", None), ("٣٦", None), ("", None)],
)  # fmt: skip
def test_list_region_filters_read_codes_as_the_search_page_does(value, prefix):
    from techtransfer.core.filters import region_code_prefix

    assert region_code_prefix(value) == prefix


def test_the_needs_list_filters_by_a_province_or_city_code(client, applicant_org, applicant_admin, county_reviewer):
    from techtransfer.needs.tests.factories import published_need

    published_need(org=applicant_org, author=applicant_admin, reviewer=county_reviewer, title="南昌县的需求")
    titles = {code: client.get("/needs/", {"region": code}).content.decode().count("南昌县的需求") for code in
              ("36", "3601", "360121", "3607", "abc")}  # fmt: skip
    assert titles == {"36": 1, "3601": 1, "360121": 1, "3607": 0, "abc": 0}


@pytest.mark.parametrize("url", ["/needs/", "/achievements/"])
def test_list_sort_menus_offer_orders_only(client, url):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sort = page.split('name="sort"')[1].split("</select>")[0]
    assert '<option value="-published" selected>' in sort and 'value=""' not in sort  # no "All" order


def test_yes_no_list_filters_say_all_yes_no(client):
    page = client.get("/needs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    demo = page.split('name="demo"')[1].split("</select>")[0]
    assert '<option value="" selected>All</option>' in demo and ">Yes<" in demo and ">No<" in demo
    assert "Unknown" not in demo


def test_list_number_filters_have_the_search_forms_bounds():
    from django.utils import translation

    from techtransfer.needs.filters import NeedFilterSet
    from techtransfer.needs.models import Need

    with translation.override("en"):
        fs = NeedFilterSet({"budget_min": "1e60"}, queryset=Need.objects.all())
        assert not fs.is_valid()
        assert fs.errors["budget_min"] == ["Budget at least (10,000 yuan): give 9999999999 or less, not “1e60”."]
        assert NeedFilterSet({"budget_min": "9999999999"}, queryset=Need.objects.all()).is_valid()


def test_entry_forms_checkbox_groups_are_check_boxes_before_and_after_validation():
    """The needs and challenge forms had stripped the class off their checkbox groups (a workaround
    for the text-field class they used to get): the first render and a re-render now match."""
    from techtransfer.needs.forms import NeedForm

    before = NeedForm().fields["cooperation_modes"].widget.attrs["class"]
    bound = NeedForm({"title": ""})
    bound.is_valid()
    assert before == bound.fields["cooperation_modes"].widget.attrs["class"] == "form-check-input"


@pytest.mark.parametrize(
    ("url", "label"), [("/needs/", "Sort by"), ("/achievements/", "Sort by"), ("/market/", "Sort by")]
)
def test_a_list_with_a_wrong_filter_says_so_instead_of_nothing_found(client, url, label):
    good = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="result-count"' in good and 'id="filters-invalid"' not in good
    page = client.get(url, {"sort": "bogus"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{label}: “bogus” is not one of the choices." in page
    assert 'id="filters-invalid"' in page
    assert "No results are shown until the filters marked in red are corrected." in page
    assert 'id="result-count"' not in page and "Nothing found." not in page


def test_the_contracts_list_with_a_wrong_filter_says_so(client, applicant_admin):
    client.force_login(applicant_admin)
    page = client.get("/contracts/", {"status": "bogus"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="filters-invalid"' in page and "Nothing yet." not in page
    assert 'id="filters-invalid"' not in client.get("/contracts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_region_filters_name_county_groups_with_their_province():
    """GB/T 2260's pseudo-cities of directly governed counties (重庆市 500200 "县") would read as a
    city called "县" in a list of cities."""
    from django.utils import translation

    from techtransfer.core.selectors import _region_groups, region_filter_choices

    _region_groups.cache_clear()
    with translation.override("zh-hans"):
        groups = dict(region_filter_choices()[1:])
    assert ("500200", "重庆市县") in groups["重庆市"]
    assert ("469000", "海南省省直辖县级行政区划") in groups["海南省"]
    assert ("360100", "南昌市") in groups["江西省"]


@pytest.mark.django_db
def test_region_filters_read_in_english_on_english_pages():
    """The achievements' region filter listed 北京市, 南昌市 … untranslated on English pages, where
    every other region select reads 江西省 (Jiangxi Province)."""
    from django.utils import translation

    from techtransfer.core.selectors import _region_groups, region_filter_choices

    _region_groups.cache_clear()
    with translation.override("en"):
        choices = region_filter_choices()
    groups = dict(choices[1:])
    assert choices[0] == ("", "All")
    assert ("360000", "江西省 (Jiangxi Province)") in groups["江西省 (Jiangxi Province)"]
    assert ("360100", "南昌市 (Nanchang City)") in groups["江西省 (Jiangxi Province)"]
    assert ("500200", "重庆市县 (Chongqing Counties)") in groups["重庆市 (Chongqing)"]
    with translation.override("zh-hans"):
        assert ("360100", "南昌市") in dict(region_filter_choices()[1:])["江西省"]


def test_the_counties_of_a_municipality_are_not_a_place_called_xian():
    from techtransfer.core.region_names import english

    assert english("县") == "Counties"
    assert english("南昌县") == "Nanchang County"


def test_role_choices_offer_government_roles_only_in_government_departments(applicant_org, gov_orgs):
    from techtransfer.core.choices import Role
    from techtransfer.core.forms import MemberRoleForm

    enterprise = [v for v, _label in MemberRoleForm(organisation=applicant_org).fields["role"].choices]
    department = [v for v, _label in MemberRoleForm(organisation=gov_orgs["province"]).fields["role"].choices]
    assert Role.GOV_REVIEWER not in enterprise and Role.GOV_OFFICIAL not in enterprise
    assert {Role.GOV_REVIEWER, Role.GOV_OFFICIAL} <= set(department)
    assert not MemberRoleForm({"role": Role.GOV_OFFICIAL}, organisation=applicant_org).is_valid()


@pytest.mark.parametrize(
    ("ours", "djangos"),
    [
        (django_messages.MIN_LENGTH, MinLengthValidator.message),
        (django_messages.MAX_LENGTH, MaxLengthValidator.message),
    ],
)
def test_the_length_messages_we_translate_again_are_djangos_word_for_word(ours, djangos):
    """Django's zh_Hans read "确保该变量至少包含 12 字符": ours must carry the same msgids to replace it."""
    assert ours in django_messages.OVERRIDDEN
    with translation.override("en"):
        for n in (1, 12):
            params = {"limit_value": n, "show_value": 5}
            assert str(ours % params) == str(djangos % params)


def test_the_catalogue_entry_form_says_how_many_characters_the_number_needs():
    with translation.override("en"):
        form = AddEntryForm({"registration_number": "36020261"})
        assert not form.is_valid()
        assert form.errors["registration_number"] == ["A registration number has 12 digits; this one has 8 characters."]
