"""The registration number a catalogue editor types, as people type it."""

import pytest

from techtransfer.achievements.catalogue_forms import AddEntryForm
from techtransfer.achievements.tests.factories_catalogue import PublishedAchievementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["360202610001", "３６０２０２６１０００１", " 3602 0261 0001 "])
def test_a_registration_number_is_read_with_full_width_digits_and_spaces(typed):
    """QA: ３６０２０２６１２５０９ (typed with a Chinese input method) answered that no published record
    has this number, while every other number field reads full-width digits."""
    record = PublishedAchievementFactory(registration_number="360202610001")
    form = AddEntryForm({"registration_number": typed})
    assert form.is_valid() and form.cleaned_data["registration_number"] == record


def test_an_unknown_number_is_refused_as_such():
    from django.utils import translation

    form = AddEntryForm({"registration_number": "360202619999"})
    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert form.errors["registration_number"] == ["没有该登记号对应的已发布成果。"]


def test_a_filtered_list_of_catalogues_that_shows_none_says_the_filters_are_why(client, gov_orgs):
    """QA: /catalogues/?year=1999 said "no catalogue has been published yet" beside published ones."""
    from techtransfer.achievements.models import Catalogue
    from techtransfer.achievements.tests.factories_catalogue import CatalogueFactory

    CatalogueFactory(owner=gov_orgs["province"], status=Catalogue.Status.PUBLISHED, year=2026)
    empty = client.get("/catalogues/", {"year": "1999"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<td colspan="6" id="no-catalogues">No published catalogue matches these filters.</td>' in empty
    assert 'id="no-catalogues"' not in client.get("/catalogues/").content.decode()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("３６０２０２６１０００", "登记号为 12 位数字，当前填写了 11 个字符。"),
        ("3602 0261 0001 1", "登记号为 12 位数字，当前填写了 13 个字符。"),
        # Longer than the old limit of 20 characters: the length is still what is said.
        ("3602 0261 0001 3602 0261 0001", "登记号为 12 位数字，当前填写了 24 个字符。"),
    ],
)
def test_a_number_of_the_wrong_length_is_told_its_length(typed, expected):
    from django.utils import translation

    PublishedAchievementFactory(registration_number="360202610001")
    form = AddEntryForm({"registration_number": typed})
    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert form.errors["registration_number"] == [expected]
    assert form.errors.as_data()["registration_number"][0].code == "number_length"
