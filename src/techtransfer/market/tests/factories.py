import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from techtransfer.core.tests.factories import OrganisationFactory, UserFactory
from techtransfer.market.choices import ListingMode, ListingStatus
from techtransfer.market.models import Listing


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    title = factory.Sequence(lambda n: f"稀土永磁专利许可{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    region_id = factory.LazyAttribute(lambda x: x.organisation.region_id)
    created_by = factory.SubFactory(UserFactory)
    patent_numbers = "CN202310000001.5"
    mode = ListingMode.NON_EXCLUSIVE_LICENCE
    industry = "new_materials"
    price_min = Decimal("100.00")
    price_max = Decimal("150.00")
    listed_from = factory.LazyFunction(timezone.localdate)
    listed_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    status = ListingStatus.DRAFT
