"""A Django site with sessions and Django's users, sharing the Node demo's SQLite database and secret.

SECRET_KEY and SESSIONKIT_DJANGO_DB (the SQLite file) come from the environment, as the browser test
sets them to what the Node demo uses. Everything else is Django's default: the db engine, the
`sessionid` cookie, SameSite=Lax, two weeks, ModelBackend and the auth_user table.
"""
import os

SECRET_KEY = os.environ['SECRET_KEY']
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions']
MIDDLEWARE = [
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
]
ROOT_URLCONF = 'demo_site.urls'
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.environ['SESSIONKIT_DJANGO_DB']}}
USE_TZ = True
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
