"""Ids from query strings: ASCII digits within a 64-bit column, else nothing (a 404, not a 500)."""

import pytest
from django.urls import reverse

from techtransfer.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", 7), ("007", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("9" * 40, None), ("²", None),
     ("١", None), ("-1", None), (" 7", None), ("", None), (None, None), ("7a", None)],
)  # fmt: skip
def test_parse_id(value, expected):  # type: ignore[no-untyped-def]
    assert parse_id(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["99999999999999999999", "²", "١"])
def test_similar_and_recommend_panels_answer_404_for_ids_no_row_can_have(client, pk):  # type: ignore[no-untyped-def]
    assert client.get(reverse("search:similar", args=["achievement", pk])).status_code == 404
    assert client.get(reverse("search:recommend", args=["need", pk])).status_code == 404
