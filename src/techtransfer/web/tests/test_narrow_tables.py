"""On a phone (375 px) a list's table scrolls inside its own box instead of widening the page."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def tables_outside_a_scroll_box(html):
    """How many tables are not the first child of a `.table-responsive` box."""
    return len(re.findall(r"<table", html)) - len(re.findall(r'<div class="table-responsive"><table', html))


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/",
        "/needs/mine/",
        # Ten columns of broker figures were 850 px wide on a 390 px phone; the brokered deals' six
        # columns widened the page too.
        "/matchmaking/brokers/",
        "/market/deals/brokered/",
    ],
)
def test_list_tables_scroll_in_their_own_box(path, applicant_member):
    c = Client()
    c.force_login(applicant_member)
    html = c.get(path).content.decode()
    assert "<table" in html
    assert tables_outside_a_scroll_box(html) == 0
