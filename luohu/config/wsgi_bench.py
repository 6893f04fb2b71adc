"""WSGI entry for benchmarks: the settings named by DJANGO_SETTINGS_MODULE, unchanged."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
