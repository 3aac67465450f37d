"""Downloads are attachments with the type found in their content, whatever the uploaded name held
(path separators, quotes, line breaks: no header can be injected through it)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from techtransfer.achievements import services
from techtransfer.achievements.tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("uploaded", "disposition"),
    [
        ("../../etc/图 1.png", "attachment; filename*=utf-8''%E5%9B%BE%201.png"),
        # Line breaks are dropped when the file is kept; Django would have encoded them anyway.
        ('a"b\r\nX-Injected: 1.png', 'attachment; filename="a\\"bX-Injected: 1.png"'),
        # A path with backslashes, given to the service as it is (the storage refused it: a 500).
        ("..\\..\\evil.png", 'attachment; filename="evil.png"'),
    ],
)
def test_attachment_download_headers(settings, tmp_path, applicant_org, applicant_admin, uploaded, disposition):
    settings.MEDIA_ROOT = tmp_path
    achievement = AchievementFactory(organisation=applicant_org, created_by=applicant_admin)
    attachment = services.add_attachment(
        actor=applicant_admin, achievement_id=achievement.pk, file=SimpleUploadedFile(uploaded, PNG, "text/html")
    )
    # Stored under a name of the storage's own making, inside MEDIA_ROOT.
    assert attachment.file.path.startswith(str(tmp_path / "achievements"))
    client = Client()
    client.force_login(applicant_admin)
    response = client.get(f"/achievements/{achievement.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # from the content, not from what the browser said
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Injected" not in response.headers


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("a/b/c.pdf", "c.pdf"),
        ("C:\\Users\\x\\报告.pdf", "报告.pdf"),
        ("a\r\nb.pdf", "ab.pdf"),
        ("..", "file"),
        ("", "file"),
    ],
)
def test_upload_name(sent, kept):
    from techtransfer.core.uploads import upload_name

    assert upload_name(sent) == kept
    assert len(upload_name("x" * 300 + ".pdf")) == 200
