# The stock setup of Django's session tutorials: database-backed sessions on SQLite.
import os
import tempfile

SECRET_KEY = os.environ.get('BENCH_SECRET', 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a')
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']

INSTALLED_APPS = ['django.contrib.sessions']
MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']
ROOT_URLCONF = 'benchsite.urls'
WSGI_APPLICATION = 'benchsite.wsgi.application'

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': os.environ.get('BENCH_DJANGO_DB', os.path.join(tempfile.gettempdir(), 'sessionkit-bench-django.sqlite3')),
    }
}
SESSION_ENGINE = 'django.contrib.sessions.backends.db'
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
USE_TZ = True
