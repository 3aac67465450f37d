"""Security headers on every kind of response, the configuration that `check --deploy` asks for, and
templates that need no inline script (so the Content-Security-Policy can forbid it)."""

import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import Tags, run_checks
from django.urls import get_resolver

import techtransfer

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SOURCE = Path(techtransfer.__file__).resolve().parent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/search/?q=稀土", "/api/v1/regions/360000", "/login/", "/no-such-page/", "/static/web/site.js"],
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == POLICY
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    if url != "/static/web/site.js":  # XFrameOptionsMiddleware comes after WhiteNoise
        assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # off unless SECURE_HSTS_SECONDS is set


@pytest.mark.django_db
def test_the_policy_can_be_turned_off_and_hsts_on(client, settings):
    settings.CONTENT_SECURITY_POLICY = ""
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get("/", secure=True)
    assert "Content-Security-Policy" not in response
    assert response["Strict-Transport-Security"] == "max-age=3600"


def _settings_from(env: dict[str, str], monkeypatch, tmp_path) -> dict[str, object]:
    """The settings module's values as the environment `env` makes them."""
    monkeypatch.setenv("TECHTRANSFER_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SOURCE / "settings.py"))


DEPLOY_SETTINGS = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "MIDDLEWARE",
]


def test_production_environment_passes_check_deploy(monkeypatch, tmp_path, settings):
    found = _settings_from(
        {
            "SECRET_KEY": "k" * 20 + "Qx7-p2Lm9Zr4Tv8Wn3Yb6Hc1Jd5Fg0Ks",
            "ALLOWED_HOSTS": "techtransfer.example.org",
            "SECURE_COOKIES": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            # Choices of the domain's owner (every subdomain on HTTPS; the browsers' preload list, hard
            # to leave): off by default, and check --deploy warns (W005, W021) until they are set.
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
            "SECURE_SSL_REDIRECT": "1",
            "TRUST_X_FORWARDED_PROTO": "1",
        },
        monkeypatch,
        tmp_path,
    )
    for name in DEPLOY_SETTINGS:
        setattr(settings, name, found[name])
    assert found["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert found["LANGUAGE_COOKIE_SECURE"] is True
    assert run_checks(include_deployment_checks=True, tags=[Tags.security]) == []


def test_the_demo_environment_sends_no_hsts_and_check_deploy_says_so(monkeypatch, tmp_path, settings):
    found = _settings_from({}, monkeypatch, tmp_path)
    assert (found["SECURE_HSTS_SECONDS"], found["SECURE_SSL_REDIRECT"], found["SECURE_PROXY_SSL_HEADER"]) == (
        0,
        False,
        None,
    )
    for name in DEPLOY_SETTINGS:
        setattr(settings, name, found[name])
    warned = {m.id for m in run_checks(include_deployment_checks=True, tags=[Tags.security])}
    # HSTS, the HTTPS redirect and the Secure cookies (DEBUG is off, the generated key is strong).
    assert warned == {"security.W004", "security.W008", "security.W012", "security.W016"}


def test_uploaded_files_have_no_unchecked_address():
    """Signed contracts and draft attachments are served by permission-checked views only, never as
    /media/… (not even with DEBUG on)."""
    assert not [p for p in get_resolver().url_patterns if str(p.pattern).startswith(settings.MEDIA_URL.strip("/"))]


# An inline <script> with code, an on…= attribute, htmx's hx-on (evaluated as code) or a javascript:
# address: each would need 'unsafe-inline' or 'unsafe-eval'. json_script data blocks are fine.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)
_HANDLER = re.compile(r"\son[a-z]+\s*=|\shx-on[:-]|javascript:", re.IGNORECASE)


def test_templates_and_built_html_have_no_inline_script():
    found = []
    for path in sorted(SOURCE.rglob("*")):
        if path.suffix not in (".html", ".py") or "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":  # HTML built in Python: look inside string literals only, roughly
            text = "\n".join(re.findall(r"""(?:f|)(?:"[^"\n]*"|'[^'\n]*')""", text))
            text = re.sub(r"#.*", "", text)
        for pattern in (_INLINE_SCRIPT, _HANDLER):
            found += [f"{path.relative_to(SOURCE)}: {m.group(0)}" for m in pattern.finditer(text)]
    allowed = {
        # The rule that refuses such links in event session addresses names them.
        "matchmaking/events.py: javascript:",
    }
    assert [f for f in found if f not in allowed] == []
