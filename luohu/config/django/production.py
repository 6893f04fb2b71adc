"""Production: refuses to start when unsafe; secure cookies and HSTS.

Unsafe is: no DJANGO_SECRET_KEY, DJANGO_DEBUG switched on, no
DJANGO_ALLOWED_HOSTS, or the test-only sign-in backend named. Each refusal
is one bilingual sentence (luohu.config.env) and exit status 2.
"""

from luohu.config import env
from luohu.config.django.base import *  # noqa: F403

SECRET_KEY = env.mandatory_secret("DJANGO_SECRET_KEY")
LUOHU_FIELD_KEYS = env.mandatory_field_keys()
DEBUG = env.refuse_debug()
LUOHU_DEMO = False
ALLOWED_HOSTS = env.mandatory_allowed_hosts()
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Shared rate-limit counters across workers: Redis when LUOHU_CACHE_URL is set.
CACHES = {"default": env.cache_config()}
# No session counts as past the second factor without a code in production.
LUOHU_SECOND_FACTOR_TRUSTED_BACKENDS: tuple[str, ...] = ()
env.refuse_test_backends(AUTHENTICATION_BACKENDS)  # noqa: F405
