import os

from django.core.wsgi import get_wsgi_application

# What a WSGI server (gunicorn) loads serves production unless told otherwise: never Django's
# debug pages or a development key by accident. `make run` and the tests name their own.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()
