"""What the search engine indexes of organisations: verified ones only (the public directory).

Registered and suspended organisations are removed from the index when they change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techtransfer.core.choices import OrganisationStatus, OrganisationType
from techtransfer.core.models import Organisation
from techtransfer.search.registry import (
    PUBLIC,
    FilterKind,
    FilterSpec,
    SearchDocument,
    SearchType,
    choice_filter,
    load_documents,
    region_prefixes,
    register,
)

_TYPE_LABELS = dict(OrganisationType.choices)


def document(o: Organisation) -> SearchDocument:
    code = o.region_id or ""
    return SearchDocument(
        type="organisation",
        pk=str(o.pk),
        title=o.name,
        url=reverse("core:organisation", args=[o.pk]),
        fields={"title": f"{o.name} {o.name_en}".strip(), "body": o.description},
        filters={
            "org_type": [o.type],
            "region": list(region_prefixes(code)),
        },
        visibility=[PUBLIC],
        summary=o.description or o.address,
        owner=str(o.pk),
        date=o.created_at,
    )


def load(pks: Sequence[str] | None) -> Iterator[SearchDocument]:
    return load_documents(Organisation.objects.filter(status=OrganisationStatus.VERIFIED).order_by("pk"), pks, document)


register(
    SearchType(
        name="organisation",
        label=_("Organisations"),
        model_label=Organisation._meta.label_lower,
        fields={"title": 3.0, "body": 1.0},
        load=load,
        count=lambda: Organisation.objects.filter(status=OrganisationStatus.VERIFIED).count(),
        filters=(
            choice_filter("org_type", _("Organisation type"), _TYPE_LABELS),
            FilterSpec("region", _("Region"), kind=FilterKind.PREFIX, facet=False),
        ),
    )
)
