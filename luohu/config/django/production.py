"""Production: refuses to start without a secret; secure cookies and HSTS."""

from luohu.config import env
from luohu.config.django.base import *  # noqa: F403

SECRET_KEY = env.mandatory_secret("DJANGO_SECRET_KEY")
DEBUG = False
LUOHU_DEMO = False
ALLOWED_HOSTS = env.env_list("DJANGO_ALLOWED_HOSTS", [])
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
