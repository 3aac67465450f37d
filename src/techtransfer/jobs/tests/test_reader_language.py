"""A job's step, log and failure read in the language of whoever reads its page, not only in its owner's:
an owner who chose Chinese, reading the job page in English, saw Chinese (and the other way round).
`message` and `log` stay in the owner's language; jobs run before show what they wrote."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from techtransfer.core.errors import Errors
from techtransfer.jobs import services
from techtransfer.jobs.models import Job, JobStatus
from techtransfer.jobs.registry import register
from techtransfer.jobs.runtime import JobFailed

pytestmark = pytest.mark.django_db

STEP = {"zh-hans": "已索引 3 条记录", "en": "Indexed 3 records"}
LOG = {
    "zh-hans": ["开始：Indexes", "已索引 3 条记录", "42", "完成。"],
    "en": ["Started: Indexes", "Indexed 3 records", "42", "Finished."],
}
REFUSED = {"zh-hans": "对象不存在或您无权查看。", "en": "The object does not exist or you may not see it."}


@register("test.words", "Indexes")
def _words(ctx):
    ctx.progress(3, 3, lambda: _("Indexed %(done)d records") % {"done": 3})
    ctx.log(lambda: _("Indexed %(done)d records") % {"done": 3})
    ctx.log("42")  # language-neutral: the same in every language
    return {}


@register("test.refuses_in_words", "Refuses")
def _refuses(ctx):
    raise JobFailed(Errors.NOT_FOUND.message)


def lines(log: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in log.splitlines()]


def run(owner, kind, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        job = services.start_job(actor=owner, kind=kind)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("owner_language", ["zh-hans", "en"])
def test_the_step_and_the_log_are_shown_in_the_readers_language(
    applicant_admin, django_capture_on_commit_callbacks, owner_language
):
    applicant_admin.language = owner_language
    applicant_admin.save(update_fields=["language"])
    job = run(applicant_admin, "test.words", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.message, lines(job.log)) == (STEP[owner_language], LOG[owner_language])  # as the owner's
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert (job.shown_message, lines(job.shown_log)) == (STEP[language], LOG[language])


@pytest.mark.parametrize("owner_language", ["zh-hans", "en"])
def test_a_refusal_is_shown_in_the_readers_language_on_the_page_and_in_the_api(
    applicant_admin, django_capture_on_commit_callbacks, owner_language
):
    applicant_admin.language = owner_language
    applicant_admin.save(update_fields=["language"])
    job = run(applicant_admin, "test.refuses_in_words", django_capture_on_commit_callbacks)
    assert (job.status, job.message) == (JobStatus.FAILED, REFUSED[owner_language])
    failed = {"zh-hans": "失败：", "en": "Failed: "}
    for language in ("zh-hans", "en"):
        reader = Client(HTTP_ACCEPT_LANGUAGE=language)
        reader.force_login(applicant_admin)
        page = reader.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
        assert f'<span class="ms-2" id="job-message">{REFUSED[language]}</span>' in page
        assert f"{failed[language]}{REFUSED[language]}" in page
        api = reader.get(f"/api/v1/jobs/{job.pk}").json()
        assert (api["message"], lines(api["log"])[-1]) == (REFUSED[language], f"{failed[language]}{REFUSED[language]}")


def test_a_job_run_before_shows_what_it_wrote_in_every_language():
    job = Job(
        kind="test.words",
        title="Indexes",
        status=JobStatus.SUCCEEDED,
        message="已索引 3 条记录",
        log="[10:00:00] 完成。",
    )
    assert job.texts == {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert (job.shown_message, job.shown_log) == ("已索引 3 条记录", "[10:00:00] 完成。")
