"""factory_boy factories for people and organisations. Credit codes are valid (GB 32100 check)."""

import re
from html.parser import HTMLParser
from typing import Any

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


def unverified_broker(username: str) -> User:
    """A broker of a service agency that is registered but not verified: no broker anyone may name."""
    agency = OrganisationFactory(
        type=OrganisationType.SERVICE_AGENCY,
        region_id="360103",
        name="未核验中心",
        status=OrganisationStatus.REGISTERED,
    )
    return member(username, agency, Role.BROKER)


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


_DATE_VALUES = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
}


class _FormReader(HTMLParser):
    """What a browser sends for one form (`form_values`)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.values: list[tuple[str, str]] = []
        self.select: dict[str, Any] | None = None
        self.option: dict[str, Any] | None = None
        self.textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        has = {k for k, _v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in has:
            return
        kind = a.get("type", "text").lower()
        if tag == "input" and a.get("name") and kind not in {"submit", "button", "image", "reset", "file"}:
            if kind in {"checkbox", "radio"}:
                if "checked" in has:
                    self.values.append((a["name"], a.get("value", "on")))
            else:
                value = a.get("value", "")
                # The browser drops a value its date picker cannot read (2026/12/07): the field is empty.
                pattern = _DATE_VALUES.get(kind)
                self.values.append((a["name"], value if pattern is None or pattern.fullmatch(value) else ""))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "multiple": "multiple" in has, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "selected": "selected" in has, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and a.get("name"):
            self.textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]  # the browser drops the one line break after <textarea>
            self.values.append((self.textarea["name"], text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]] or ([] if self.select["multiple"] else options[:1])
            for o in chosen:
                self.values.append((self.select["name"], o["text"] if o["value"] is None else o["value"]))
            self.select = None


def form_values(page: str, form_id: str) -> dict[str, str | list[str]]:
    """What a browser sends when the form `form_id` of `page` is submitted unchanged: the inputs with
    their values (a date field's only when the browser can read it, ISO; empty otherwise), ticked boxes,
    the selected options (else a single select's first), the text areas; not disabled fields, not files.
    A name given several times maps to the list of its values."""
    reader = _FormReader(form_id)
    reader.feed(page)
    out: dict[str, str | list[str]] = {}
    for name, value in reader.values:
        before = out.get(name)
        out[name] = value if before is None else [*before, value] if isinstance(before, list) else [before, value]
    return out


def history_lines(page: str, list_id: str) -> list[str]:
    """The entries of the history list `list_id` on `page` as text without their time ("who · step —
    comment"); [] when the page shows no such list."""
    if f'id="{list_id}"' not in page:
        return []
    start = page.index(f'id="{list_id}"')
    items = re.findall(r"<li>(.*?)</li>", page[start : page.index("</ol>", start)], flags=re.S)
    return [re.sub(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · ", "", re.sub(r"<[^>]+>", "", li)) for li in items]
