"""Django settings for techtransfer.

All configuration comes from environment variables through the typed helpers in `techtransfer.env`;
`.env.example` lists every variable. Defaults are safe for a local demo: SQLite under ./var, a secret
generated once and kept in ./var, DEBUG off.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from techtransfer.env import (
    ConfigError,
    cache_config,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_path,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = env_path("TECHTRANSFER_VAR_DIR", Path.cwd() / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY", "")
    if configured:
        if len(configured) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long")
        return configured
    # Local use: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# `make run` also loads the demo with PORT set: its e-mails link to the port the platform will serve.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "techtransfer.core",
    "techtransfer.audit",
    "techtransfer.jobs",
    "techtransfer.notifications",
    "techtransfer.achievements",
    "techtransfer.market",
    "techtransfer.needs",
    "techtransfer.matchmaking",
    "techtransfer.contracts",
    "techtransfer.search",
    "techtransfer.api",
    "techtransfer.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "techtransfer.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "techtransfer.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "techtransfer.web.middleware.HtmxLoginNoticeMiddleware",
    "techtransfer.api.middleware.ApiErrorShapeMiddleware",
    "techtransfer.web.middleware.BusyDatabaseMiddleware",
    "techtransfer.web.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "techtransfer.urls"
# A form sent with a stale CSRF token: a page in the site's layout and language (web.views.csrf_failure).
CSRF_FAILURE_VIEW = "techtransfer.web.views.csrf_failure"
WSGI_APPLICATION = "techtransfer.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:workspace"
LOGOUT_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "techtransfer.web.context_processors.platform",
                "techtransfer.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'techtransfer.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN, so
    # two concurrent read-decide-write transactions serialise instead of failing at COMMIT.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ConfigError("DATABASE_URL must point to SQLite or PostgreSQL")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# Empty: a local-memory cache in each process; redis://127.0.0.1:6379/0: one cache for all workers.
CACHES = cache_config("CACHE_URL")

# --- Background tasks ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            (
                "django_tasks_db.DatabaseBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
                "django_tasks.backends.dummy.DummyBackend",
            ),
        ),
        "QUEUES": ["default"],
    }
}
# The worker is considered down when the oldest waiting task is older than this.
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120, minimum=1)

# --- Auth ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "techtransfer.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
# Requests a minute the open API answers one address that sends no token nor session (0: no limit);
# beyond, 429 with Retry-After. Signed-in callers are not limited.
API_ANONYMOUS_PER_MINUTE = env_int("API_ANONYMOUS_PER_MINUTE", 120, minimum=0)
# Password guessing: after this many failed sign-ins for one user name within LOGIN_FAILURE_WINDOW
# seconds, signing in as that name is refused until the window ends (five times as many from one
# address, whatever the names). 0: no limit.
LOGIN_FAILURES_LIMIT = env_int("LOGIN_FAILURES_LIMIT", 10, minimum=0)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 900, minimum=1)
# Requests with an unknown, revoked or expired access token one address may send a minute (0: no
# limit); beyond, every token from it is refused (429) for the rest of the minute.
API_TOKEN_FAILURES_PER_MINUTE = env_int("API_TOKEN_FAILURES_PER_MINUTE", 20, minimum=0)
# Contracts between the same two parties in opposite directions within this many days are flagged.
CONTRACTS_CIRCULAR_WINDOW_DAYS = env_int("CONTRACTS_CIRCULAR_WINDOW_DAYS", 365, minimum=1)

# --- I18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# --- Search ----------------------------------------------------------------------------------
# The tantivy index (derived data: `techtransfer reindex` rebuilds it from the database).
SEARCH_INDEX_DIR = env_path("SEARCH_INDEX_DIR", VAR_DIR / "search")
# Second stage of long hybrid queries: multilingual-e5-small re-ranks the best 20 candidates
# (search.semantic.deep, ADR 0024). The worker embeds records in the background, with
# SEARCH_RERANK_THREADS threads per process (web processes use the same number for query vectors).
SEARCH_RERANK = env_bool("SEARCH_RERANK", True)
SEARCH_RERANK_THREADS = env_int("SEARCH_RERANK_THREADS", 1, minimum=1)
# How long a web request waits for its process's e5 engine while another query is being encoded;
# past it the request keeps the first stage's order (load shedding, ADR 0024).
SEARCH_RERANK_WAIT_MS = env_int("SEARCH_RERANK_WAIT_MS", 20, minimum=0)
# The fraction of one core's time a web process may spend encoding query vectors, on average (the
# rest of the time long queries keep the first stage's order); 0 < share <= 1.
SEARCH_RERANK_SHARE = env_float("SEARCH_RERANK_SHARE", 0.25, minimum=0.01, maximum=1.0)
# Seconds before the suggestion table (search box) is rebuilt in the background.
SEARCH_SUGGEST_TTL = env_int("SEARCH_SUGGEST_TTL", 300, minimum=1)
# Rebuild it in a thread of its own (the tests rebuild it in the request instead).
SEARCH_SUGGEST_BACKGROUND = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES

# --- Mail -----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "techtransfer@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS only in production (`check --deploy` asks for both); off by default, since the demo serves plain
# HTTP and a browser that has seen an HSTS header refuses the site's HTTP for that long.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Behind a reverse proxy that ends TLS: trust its X-Forwarded-Proto (only if it always sets it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
# How many reverse proxies in front append the address they saw to X-Forwarded-For: the client's
# address is then the one the outermost saw (`audit.middleware.client_ip`: the audit trail, the sign-in
# and API limits). 0: REMOTE_ADDR (no proxy; behind one, every visitor would share its address).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0, minimum=0)
# Scripts, styles, images and fonts come from this site only (vendored assets, no inline script: data
# for scripts travels in json_script blocks); inline styles stay allowed (style attributes, ECharts'
# tooltips). Empty: no header.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)

# django-filter: the empty choice of every filter select reads "All".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# --- Platform -------------------------------------------------------------------------------------
DEMO_MODE = env_bool("DEMO_MODE", False)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20, minimum=1)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
