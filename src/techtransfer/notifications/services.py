"""Sending notifications, marking them read and changing preferences.

`notify` is called by a domain service inside its transaction: inbox rows are written in the same
transaction (so a rolled-back change notifies nobody) and e-mails go out only after commit, through
Django's mail backend (the console backend in the demo).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from techtransfer.audit.services import record_event
from techtransfer.core.errors import DomainError, Errors
from techtransfer.core.languages import Text, in_every_language, render, translatable
from techtransfer.core.models import User
from techtransfer.notifications.models import Notification, Preference


def _send(emails: list[str], subject: str, body: str) -> None:
    for address in emails:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)


def notify(*, user_ids: Iterable[int], kind: str, title: Text, body: Text = "", url: str = "") -> int:
    """Tell each user what happened, as each chose. Returns the number of inbox rows written.

    `title` and `body` may be functions that return the text in the active language: they are then
    rendered in every language of the platform and stored with the notice (`Notification.texts`), so
    the inbox shows it in the language its reader reads the page in, and the e-mail and the stored
    `title`/`body` are in each recipient's (`User.language`, the platform's default until the
    person chooses one), never in the language of whoever's action sent it. Plain strings are
    language-neutral (a name, what a person typed) and stored as they are."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=ids, kind=kind)}
    users = list(User.objects.filter(pk__in=ids, is_active=True).only("pk", "email", "language"))
    by_language: dict[str, list[User]] = {}
    for u in users:
        by_language.setdefault(u.reading_language, []).append(u)
    texts = in_every_language(lambda: _texts(title, body)) if translatable(title, body) else {}
    rows: list[Notification] = []
    for language, group in sorted(by_language.items()):
        with translation.override(language):
            own = texts.get(language) or _texts(title, body)
            subject, text = own["title"], own["body"]
            mail_text = _mail_text(subject, text, url)
        rows += [
            Notification(user=u, kind=kind, title=subject, body=text, url=url[:300], texts=texts)
            for u in group
            if prefs.get(u.pk) is None or prefs[u.pk].in_app
        ]
        emails = [u.email for u in group if u.email and (prefs.get(u.pk) is None or prefs[u.pk].email)]
        if emails:
            transaction.on_commit(partial(_send, emails, subject, mail_text))
    Notification.objects.bulk_create(rows)
    return len(rows)


def _texts(title: Text, body: Text) -> dict[str, str]:
    return {"title": render(title)[:200], "body": render(body)}


def _mail_text(subject: str, text: str, url: str) -> str:
    """An e-mail that says what happened on its own (it was the body, or only a link, when the notice
    had no body), where to see it, and where to choose what is sent; in the active language."""
    lines = [subject, text]
    if url:
        lines.append(gettext("Open it on the platform: %(link)s") % {"link": f"{settings.SITE_URL}{url}"})
    lines.append(
        gettext("You get this e-mail because of your notification settings: %(link)s")
        % {"link": f"{settings.SITE_URL}{reverse('notifications:preferences')}"}
    )
    return "\n\n".join(line for line in lines if line)


def mark_read(*, actor: User, notification_id: int | None = None) -> int:
    """Mark one notification (or, with None, all) of the actor as read. Returns how many changed."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(user=actor, pk=notification_id).exists():
            raise DomainError(Errors.NOT_FOUND)
        qs = qs.filter(pk=notification_id)
    # A conditional update: two tabs marking at once count each row once.
    return qs.update(read_at=timezone.now())


@transaction.atomic
def set_preferences(*, actor: User, choices: Mapping[str, tuple[bool, bool]]) -> None:
    """Store (in_app, email) per kind for the actor; audited."""
    for kind, (in_app, email) in choices.items():
        Preference.objects.update_or_create(user=actor, kind=kind, defaults={"in_app": in_app, "email": email})
    record_event(
        actor=actor, action="notifications.preferences", obj=actor,
        changes={k: {"in_app": v[0], "email": v[1]} for k, v in choices.items()},
    )  # fmt: skip


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
