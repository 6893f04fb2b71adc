"""Django settings shared by every environment. Values come from config.env."""

from __future__ import annotations

import datetime as dt

from luohu.config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.var_dir()

SECRET_KEY = env.env_str("DJANGO_SECRET_KEY") or env.development_secret_key()
# Keys of the field encryption and blind indexes (luohu.common.crypto): the
# environment in production, a private file under var/ in development.
LUOHU_FIELD_KEYS = env.env_str("LUOHU_FIELD_KEYS") or env.development_field_keys()
DEBUG = env.env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# Public origin printed in certificate QR codes; empty = the request's own origin.
LUOHU_PUBLIC_BASE_URL = env.env_str("LUOHU_PUBLIC_BASE_URL", "")

# Demo accounts and demo-only pages exist only when this is on (`make demo`).
LUOHU_DEMO = env.env_bool("LUOHU_DEMO", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    # Second factor (TOTP) for staff, lockout after failed logins (等保 identity controls).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "luohu.accounts",
    "luohu.audit",
    "luohu.registry",
    "luohu.casework",
    "luohu.certificates",
    "luohu.permits",
    "luohu.monitoring",
    "luohu.policy_api",
    "luohu.entitlements",
    "luohu.web",
    "luohu.publicstats",
    # Operations: backup and restore of the database and uploaded documents.
    "luohu.ops",
    "luohu.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "luohu.security.middleware.ContentSecurityPolicyMiddleware",
    "luohu.audit.context.RequestIdMiddleware",
    "luohu.security.middleware.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "luohu.security.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "luohu.web.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: turns a lockout into our bilingual page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luohu.config.urls"
WSGI_APPLICATION = "luohu.config.wsgi.application"

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
                "luohu.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database_config(VAR_DIR / "luohu.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = 60 * 60 * 8
# Staff sessions end after this long without a request (等保 login timeout);
# technical, not policy. Applicants keep SESSION_COOKIE_AGE.
LUOHU_STAFF_IDLE_SECONDS = 30 * 60

# Lockout after repeated failed logins (django-axes): five wrong passwords for
# one username lock it for 30 minutes, or until a security administrator
# unlocks it; five from one address (password spraying) lock that address.
# An office behind one NAT address can be exempted with AXES_IP_WHITELIST.
# Technical, not policy.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "luohu.web.auth_views.lockout_response"
# The trail (luohu.audit) records every sign-in; axes keeps only the counters,
# and logs no usernames or addresses.
AXES_DISABLE_ACCESS_LOG = True
# Lockout counters hold usernames and addresses: not shown on the admin site
# (the security administrator's page shows who is locked).
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# TOTP codes are issued under this name in the authenticator app.
OTP_TOTP_ISSUER = "luohu 安阳落户"

# Cache for rate limits: Redis in production via LUOHU_CACHE_URL, local memory otherwise.
CACHES = {"default": env.cache_config()}
# Requests per client address per window (seconds), by URL name; 429 beyond.
# Technical limits against scraping and guessing, not policy.
LUOHU_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "web:login": (20, 60),
    "web:otp_verify": (20, 60),
    "citizen:self_check": (60, 60),
    "citizen:apply": (30, 60),
    "citizen:progress": (20, 60),
    "certificates:verify": (30, 60),
    "api-1:settlement_check": (60, 60),
    "api-1:settlement_trace": (60, 60),
    "api-1:settlement_batch": (10, 60),
}
# Content-Security-Policy on every response (luohu.security.middleware).
# style-src 'self': every style lives in static CSS files, so no inline style
# is needed and none can be injected; styles set from JavaScript through the
# CSSOM (charts) are not affected by style-src.
LUOHU_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "luohu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Largest document a citizen may upload; technical, not policy.
CASEWORK_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.env_str("LUOHU_LOG_LEVEL", "INFO")},
    # Request logs carry URLs, which may hold ids; keep them out below WARNING.
    # django-axes logs every attempt at INFO; the audit trail already holds them.
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
