import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from techtransfer.achievements.models import Attachment
from techtransfer.achievements.tests.factories import AchievementFactory
from techtransfer.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b" " * 300
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 300


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(applicant_org, applicant_member):
    return AchievementFactory(organisation=applicant_org, created_by=applicant_member)


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_attach_download_and_remove(draft, applicant_member, outsider):
    c = login(applicant_member)
    response = c.post(f"/achievements/{draft.pk}/attachments/", {"file": SimpleUploadedFile("检测报告.pdf", PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.mime, attachment.size) == ("检测报告.pdf", "application/pdf", len(PDF))
    download = c.get(f"/achievements/{draft.pk}/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PDF
    assert login(outsider).get(f"/achievements/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert Client().get(f"/achievements/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert login(outsider).post(f"/achievements/{draft.pk}/attachments/{attachment.pk}/remove/").status_code == 404
    c.post(f"/achievements/{draft.pk}/attachments/{attachment.pk}/remove/")
    assert Attachment.objects.count() == 0
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "achievement.add_attachment",
        "achievement.remove_attachment",
    ]


def test_content_decides_the_type(draft, applicant_member):
    c = login(applicant_member)
    response = c.post(
        f"/achievements/{draft.pk}/attachments/", {"file": SimpleUploadedFile("report.pdf", PNG)}, follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert "This file type is not accepted." in response.content.decode()
    assert Attachment.objects.count() == 0
    assert AuditEvent.objects.count() == 0
