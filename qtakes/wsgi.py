"""WSGI entry point for gunicorn: ``gunicorn qtakes.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qtakes.settings")
application = get_wsgi_application()
