"""factory_boy factories for people and organisations. Credit codes are valid (GB 32100 check)."""

import factory

from techtransfer.core import uscc
from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role
from techtransfer.core.models import Membership, Organisation, User

PASSWORD = "Test-passw0rd-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    display_name = factory.LazyAttribute(lambda u: u.username)
    password = factory.django.Password(PASSWORD)


def _uscc(n: int, category: str = "91") -> str:
    body = f"{n:09d}"
    return uscc.make(category + "360100" + body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    type = OrganisationType.ENTERPRISE
    # A government department has a state organ's code (11), as registration requires; others 91.
    uscc = factory.LazyAttributeSequence(lambda o, n: _uscc(n, "11" if o.type == OrganisationType.GOVERNMENT else "91"))
    region_id = "360102"
    status = OrganisationStatus.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


def member(username: str, organisation: Organisation, role: str = Role.MEMBER) -> User:
    """A persona in one line: a new person with an active membership of `organisation` in `role`."""
    person: User = UserFactory(username=username)
    MembershipFactory(user=person, organisation=organisation, role=role)
    return person


def verify(organisation: Organisation) -> Organisation:
    """`organisation`, verified (as a reviewer of its region would have done) and reloaded."""
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.VERIFIED)
    organisation.refresh_from_db()
    return organisation


def accept_invitation(organisation, admin, password, *, email="friend@example.org", language="en"):  # type: ignore[no-untyped-def]
    """Invite `email` to `organisation` as `admin`, then post the invitation link's form with a new
    account "friend" and `password` (twice), in `language`: the response."""
    from django.test import Client

    from techtransfer.core import services

    _invitation, raw = services.invite_member(actor=admin, organisation_id=organisation.pk, email=email, role="member")
    form = {"username": "friend", "password1": password, "password2": password}
    return Client().post(f"/invitations/{raw}/", form, HTTP_ACCEPT_LANGUAGE=language)


def page_as(client, user, url, language="en"):  # type: ignore[no-untyped-def]
    """The HTML of `url` as `user` (signed in) sees it in `language`."""
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
