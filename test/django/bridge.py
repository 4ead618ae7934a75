"""Runs operations against the real Django for sessionkit's tests.

Reads {"settings": {...}, "ops": [{"op": ..., ...}]} as JSON on stdin and
prints a JSON array with one result per op. An op that raises yields
{"error": "<ExceptionClass>", "message": "..."} so one bad op cannot hide the
results of the others. Run with the interpreter that has Django installed.

Settings are Django's, plus DATABASE_ENGINE (sqlite3, postgresql or mysql),
DATABASE_NAME, DATABASE_USER, DATABASE_PASSWORD, DATABASE_HOST, DATABASE_PORT
and DATABASE_OPTIONS, which make DATABASES['default'], and FAST_PASSWORD_HASHER,
which makes PASSWORD_HASHERS (see password_hashers).
"""

import contextlib
import datetime
import importlib
import json
import sys
import time
from unittest import mock

ENGINES = {
    'db': 'django.contrib.sessions.backends.db',
    'file': 'django.contrib.sessions.backends.file',
    'signed_cookies': 'django.contrib.sessions.backends.signed_cookies',
    'cache': 'django.contrib.sessions.backends.cache',
    'cached_db': 'django.contrib.sessions.backends.cached_db',
}

DEFAULT_SECRET_KEY = 'sessionkit-bridge-default-secret-key'

DATABASE_ENGINES = ('sqlite3', 'postgresql', 'mysql')
# Bridge-only settings that become DATABASES['default'][<key>].
DATABASE_KEYS = ('USER', 'PASSWORD', 'HOST', 'PORT', 'OPTIONS')


def database(overrides):
    """DATABASES['default'] from the bridge's DATABASE_* settings (popped from overrides).

    DATABASE_ENGINE is sqlite3 (default), postgresql or mysql; DATABASE_NAME is the
    database (a sqlite file, ':memory:' when absent); DATABASE_USER, _PASSWORD,
    _HOST, _PORT and _OPTIONS are passed as Django's USER, PASSWORD, ... keys.
    """
    engine = overrides.pop('DATABASE_ENGINE', None) or 'sqlite3'
    if engine not in DATABASE_ENGINES:
        raise ValueError('DATABASE_ENGINE must be one of %s, not %r' % (', '.join(DATABASE_ENGINES), engine))
    name = overrides.pop('DATABASE_NAME', None)
    config = {
        'ENGINE': 'django.db.backends.' + engine,
        'NAME': name or (':memory:' if engine == 'sqlite3' else ''),
    }
    for key in DATABASE_KEYS:
        value = overrides.pop('DATABASE_' + key, None)
        if value is not None:
            config[key] = value
    return config


def password_hashers(overrides):
    """The PASSWORD_HASHERS the bridge-only FAST_PASSWORD_HASHER (popped from overrides) asks for; None when absent.

    True: Django's PBKDF2 hasher at the tests' low count first (fast_hasher.py), for tests whose subject
    is not the count; False: Django's default hashers, at its real count (260,000 on 3.2, 1,000,000 on
    5.2), e.g. in a batch of a process started with True.
    """
    fast = overrides.pop('FAST_PASSWORD_HASHER', None)
    if fast is None:
        return None
    if fast:
        from fast_hasher import fast_password_hashers

        return fast_password_hashers()
    from django.conf import global_settings

    return list(global_settings.PASSWORD_HASHERS)


def with_integer_levels(overrides):
    """overrides with MESSAGE_TAGS keyed by integer levels, as Django's are (JSON object keys are strings)."""
    if 'MESSAGE_TAGS' not in overrides:
        return overrides
    return dict(overrides, MESSAGE_TAGS={int(level): tag for level, tag in overrides['MESSAGE_TAGS'].items()})


def configure(overrides):
    from django.conf import settings

    overrides = dict(overrides)
    default_database = database(overrides)
    hashers = password_hashers(overrides)
    config = {
        'SECRET_KEY': DEFAULT_SECRET_KEY,
        'INSTALLED_APPS': [
            'django.contrib.contenttypes',
            'django.contrib.auth',
            'django.contrib.sessions',
        ],
        'DATABASES': {'default': default_database},
        'CACHES': {
            'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'},
        },
        'USE_TZ': True,
        'DEFAULT_AUTO_FIELD': 'django.db.models.AutoField',
        'MESSAGE_STORAGE': 'django.contrib.messages.storage.session.SessionStorage',
    }
    if hashers is not None:
        config['PASSWORD_HASHERS'] = hashers
    config.update(with_integer_levels(overrides))
    settings.configure(**config)

    import django

    django.setup()


def store_class(engine):
    path = ENGINES.get(engine or 'db', engine)
    return importlib.import_module(path).SessionStore


@contextlib.contextmanager
def frozen_time(at):
    """Pins time.time() (read by signing) and timezone.now() (read by sessions)."""
    if at is None:
        yield
        return
    from django.utils import timezone

    now = datetime.datetime.fromtimestamp(at, tz=datetime.timezone.utc)
    with mock.patch('time.time', return_value=at), mock.patch.object(timezone, 'now', return_value=now):
        yield


def make_signer(cls, op):
    kwargs = {'key': op.get('key'), 'salt': op.get('salt')}
    if 'sep' in op:
        kwargs['sep'] = op['sep']
    if op.get('algorithm'):
        kwargs['algorithm'] = op['algorithm']
    return cls(**kwargs)


def b62():
    from django.core import signing

    if hasattr(signing, 'b62_encode'):  # Django >= 4.0
        return signing.b62_encode, signing.b62_decode
    from django.utils import baseconv

    return baseconv.base62.encode, baseconv.base62.decode


_table_models = {}


def session_model_for_table(table):
    """A custom session model (AbstractBaseSession) whose db_table is `table`, as an app would declare it."""
    if table not in _table_models:
        from django.contrib.sessions.base_session import AbstractBaseSession

        meta = type('Meta', (), {'db_table': table, 'app_label': 'sessions'})
        name = 'BridgeTableSession%d' % len(_table_models)
        _table_models[table] = type(name, (AbstractBaseSession,), {'__module__': __name__, 'Meta': meta})
    return _table_models[table]


def expiry_value(value):
    # ISO strings become datetimes, as a Django caller would pass them.
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


def message_json(message):
    """A django.contrib.messages Message as the bridge reports it."""
    from django.utils.safestring import SafeData

    return {
        'level': message.level,
        'message': str(message.message),
        'extra_tags': message.extra_tags,
        'tags': message.tags,
        'level_tag': message.level_tag,
        'safe': isinstance(message.message, SafeData),
    }


def new_message(step):
    """(level, message, extra_tags) of a bridge step, the text marked safe when step['safe']."""
    from django.utils.safestring import mark_safe

    text = mark_safe(step['message']) if step.get('safe') else step['message']
    return step['level'], text, step.get('extra_tags', '')


def messages_step(request, step):
    """One messages call inside a view, for the messages_request op."""
    from django.contrib import messages

    action = step['do']
    if action == 'add':
        level, text, extra_tags = new_message(step)
        messages.add_message(request, level, text, extra_tags=extra_tags)
        return None
    if action == 'iterate':
        return [message_json(message) for message in messages.get_messages(request)]
    if action == 'len':
        return len(messages.get_messages(request))
    if action == 'set_level':
        return messages.set_level(request, step['level'])
    if action == 'get_level':
        return messages.get_level(request)
    raise ValueError('unknown messages step %r' % action)


def messages_request(op):
    """One request through SessionMiddleware and MessageMiddleware whose view runs op['steps'].

    op['key'] is the session cookie sent (none when absent), op['status'] the view's status. Returns the
    steps' results, the session cookie after the request (the key sent when none was set, '' when deleted),
    the raw '_messages' value the session holds afterwards (None when absent) and the messages in it.
    """
    from django.conf import settings
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    results = []

    def view(request):
        for step in op['steps']:
            results.append(messages_step(request, step))
        return HttpResponse(status=op.get('status', 200))

    request = RequestFactory().get('/')
    if op.get('key'):
        request.COOKIES[settings.SESSION_COOKIE_NAME] = op['key']
    response = SessionMiddleware(MessageMiddleware(view))(request)
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    key = cookie.value if cookie is not None else op.get('key')
    raw = importlib.import_module(settings.SESSION_ENGINE).SessionStore(key).get('_messages') if key else None
    return {'results': results, 'key': key, 'stored': raw, 'stored_messages': stored_messages(raw)}


def stored_messages(raw):
    """The messages Django's SessionStorage reads from a '_messages' value, as the bridge reports them."""
    from django.contrib.messages.storage.session import SessionStorage

    return [message_json(message) for message in SessionStorage.deserialize_messages(None, raw) or []]

# --- django.contrib.auth: logins, users and password hashes (AUTH_OPS) -------------------------------------


def auth_user_named(username):
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get_by_natural_key(username)


def auth_request(key, view):
    """One request through SessionMiddleware and AuthenticationMiddleware; view(request) returns a dict.

    key is the session cookie sent (none when falsy). Returns the view's dict plus 'key': the session cookie
    after the request ('' when it was deleted, the key sent when the response set none).
    """
    from django.conf import settings
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    outcome = {}

    def run_view(request):
        outcome.update(view(request))
        return HttpResponse()

    request = RequestFactory().get('/')
    if key:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = key
    response = SessionMiddleware(AuthenticationMiddleware(run_view))(request)
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    outcome['key'] = cookie.value if cookie is not None else (key or None)
    return outcome


def auth_user_json(user):
    if user is None or not user.is_authenticated:
        return {'authenticated': False, 'id': None, 'username': None}
    return {'authenticated': True, 'id': user.pk, 'username': user.get_username()}


def auth_create_user(op):
    """A user with op['password'] (None: unusable), hashed by op['hasher'] (Django's default when absent)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user = get_user_model()(username=op['username'], is_active=op.get('is_active', True))
    user.password = make_password(op.get('password'), hasher=op.get('hasher') or 'default')
    user.save()
    return {'id': user.pk, 'password': user.password}


def auth_login(op):
    """Django's login in a view: of the user op['username'] (authenticate() first when op has 'password')."""
    from django.contrib.auth import authenticate, login

    def view(request):
        if 'password' in op:
            user = authenticate(request, username=op['username'], password=op['password'])
            if user is None:
                return {'logged_in': False}
        else:
            user = auth_user_named(op['username'])
        login(request, user, backend=op.get('backend'))
        return {'logged_in': True, 'data': dict(request.session.items())}

    return auth_request(op.get('key'), view)


def auth_get_user(op):
    """Django's get_user on the session op['key'], and the session's data afterwards."""
    from django.contrib.auth import get_user

    def view(request):
        result = auth_user_json(get_user(request))
        result['data'] = dict(request.session.items())
        return result

    return auth_request(op['key'], view)


def auth_logout(op):
    from django.contrib.auth import logout

    return auth_request(op['key'], lambda request: logout(request) or {})


def auth_change_password(op):
    """set_password + save, as a password change view; with op['key'], update_session_auth_hash on that session."""
    from django.contrib.auth import update_session_auth_hash

    def change():
        user = auth_user_named(op['username'])
        user.set_password(op['password'])
        user.save()
        return user

    if not op.get('key'):
        return {'password': change().password}

    def view(request):
        was = auth_user_json(request.user)  # the view knows who is logged in before it changes the password
        user = change()
        update_session_auth_hash(request, user)
        return {'was': was, 'password': user.password}

    return auth_request(op['key'], view)


def auth_set_active(op):
    user = auth_user_named(op['username'])
    user.is_active = op['is_active']
    user.save()
    return None


def auth_user_row(op):
    user = auth_user_named(op['username'])
    return {
        'id': user.pk,
        'username': user.username,
        'password': user.password,
        'is_active': user.is_active,
        'is_staff': user.is_staff,
        'is_superuser': user.is_superuser,
        'email': user.email,
        'first_name': user.first_name,
        'last_name': user.last_name,
        'last_login': user.last_login,
        'date_joined': user.date_joined,
    }


def auth_authenticate(op):
    """Django's authenticate() alone (no login); the user's stored password afterwards shows any rehash."""
    from django.contrib.auth import authenticate

    user = authenticate(None, username=op['username'], password=op['password'])
    result = auth_user_json(user)
    result['password'] = user.password if user is not None else None
    return result


def auth_createsuperuser(op):
    """manage.py createsuperuser --noinput with op['options'] and op['environ'] (DJANGO_SUPERUSER_*); its output."""
    import io
    import os

    from django.core.management import call_command

    out = io.StringIO()
    with mock.patch.dict(os.environ, op.get('environ') or {}):
        call_command('createsuperuser', interactive=False, stdout=out, stderr=out, **(op.get('options') or {}))
    return out.getvalue()


def auth_field_problems(op):
    """What the User model's username and email fields say of each value (field.clean, as createsuperuser runs it)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    def problems(field_name, values):
        field = get_user_model()._meta.get_field(field_name)
        answers = []
        for value in values:
            try:
                field.clean(value, None)
                answers.append(None)
            except ValidationError as error:
                answers.append('; '.join(error.messages))
        return answers

    return {'usernames': problems('username', op.get('usernames') or []), 'emails': problems('email', op.get('emails') or [])}


def auth_make_password(op):
    """make_password, or with op['iterations'] the PBKDF2 hasher's encode at that count."""
    from django.contrib.auth.hashers import get_hasher, make_password

    if op.get('iterations') is not None:
        hasher = get_hasher(op.get('hasher') or 'default')
        return hasher.encode(op['password'], op.get('salt') or hasher.salt(), op['iterations'])
    return make_password(op['password'], salt=op.get('salt'), hasher=op.get('hasher') or 'default')


def auth_check_password(op):
    from django.contrib.auth.hashers import check_password

    return check_password(op['password'], op['encoded'])


def auth_session_hash(op):
    return auth_user_named(op['username']).get_session_auth_hash()


def auth_migrate(op):
    from django.core.management import call_command

    call_command('migrate', verbosity=0, interactive=False)
    return None


AUTH_OPS = {
    'auth_migrate': auth_migrate,
    'auth_create_user': auth_create_user,
    'auth_login': auth_login,
    'auth_get_user': auth_get_user,
    'auth_logout': auth_logout,
    'auth_change_password': auth_change_password,
    'auth_set_active': auth_set_active,
    'auth_user': auth_user_row,
    'auth_authenticate': auth_authenticate,
    'auth_createsuperuser': auth_createsuperuser,
    'auth_field_problems': auth_field_problems,
    'auth_make_password': auth_make_password,
    'auth_check_password': auth_check_password,
    'auth_session_hash': auth_session_hash,
}

# --- end of django.contrib.auth ops -------------------------------------------------------------------------


def run(op):
    from django.core import signing
    from django.utils.crypto import salted_hmac

    name = op['op']
    if name in AUTH_OPS:
        return AUTH_OPS[name](op)
    if name == 'b62_encode':
        return b62()[0](op['n'])
    if name == 'b62_decode':
        return b62()[1](op['s'])
    if name == 'b64_encode':
        return signing.b64_encode(bytes.fromhex(op['hex'])).decode('ascii')
    if name == 'b64_decode':
        return signing.b64_decode(op['s'].encode('ascii')).hex()
    if name == 'salted_hmac':
        return salted_hmac(op['key_salt'], op['value'], op['secret'], algorithm=op.get('algorithm', 'sha1')).hexdigest()
    if name == 'sign':
        return make_signer(signing.Signer, op).sign(op['value'])
    if name == 'unsign':
        return make_signer(signing.Signer, op).unsign(op['value'])
    if name == 'timestamp_sign':
        return make_signer(signing.TimestampSigner, op).sign(op['value'])
    if name == 'timestamp_unsign':
        return make_signer(signing.TimestampSigner, op).unsign(op['value'], max_age=op.get('max_age'))
    if name == 'dumps':
        salt = op['salt'] if 'salt' in op else 'django.core.signing'
        return signing.dumps(op['obj'], key=op.get('key'), salt=salt, compress=op.get('compress', False))
    if name == 'loads':
        salt = op['salt'] if 'salt' in op else 'django.core.signing'
        return signing.loads(op['token'], key=op.get('key'), salt=salt, max_age=op.get('max_age'))
    if name == 'json_dumps':
        return signing.JSONSerializer().dumps(op['obj']).decode('latin-1')
    if name == 'django_version':
        import django

        return list(django.VERSION[:2])
    if name == 'messages_request':
        return messages_request(op)
    if name == 'messages_encode':
        # SessionStorage.serialize_messages of op['messages'] (steps of the 'add' form), as stored.
        from django.contrib.messages.storage.base import Message
        from django.contrib.messages.storage.session import SessionStorage

        built = [Message(*new_message(step)) for step in op['messages']]
        for message in built:
            message._prepare()
        return SessionStorage.serialize_messages(None, built)
    if name == 'messages_decode':
        return stored_messages(op['data'])
    if name == 'session_encode':
        return store_class(op.get('engine'))().encode(op['data'])
    if name == 'session_decode':
        return store_class(op.get('engine'))().decode(op['data'])
    if name == 'migrate':
        from django.core.management import call_command

        call_command('migrate', 'sessions', verbosity=0, interactive=False)
        return None
    if name == 'session_create':
        session = store_class(op['engine'])()
        session.update(op.get('data', {}))
        if op.get('expiry') is not None:
            session.set_expiry(expiry_value(op['expiry']))
        session.save()
        return {'key': session.session_key}
    if name == 'session_load':
        session = store_class(op['engine'])(op['key'])
        data = dict(session.items())
        return {'data': data, 'key_after': session.session_key}
    if name == 'session_update':
        session = store_class(op['engine'])(op['key'])
        session.update(op.get('data', {}))
        session.save()
        return {'key': session.session_key}
    if name == 'session_expiry':
        session = store_class(op['engine'])(op['key'])
        return {
            'age': session.get_expiry_age(),
            'date': session.get_expiry_date().isoformat(),
            'browser_close': session.get_expire_at_browser_close(),
        }
    if name == 'session_exists':
        return store_class(op['engine'])().exists(op['key'])
    if name == 'session_delete':
        store_class(op['engine'])(op['key']).delete(op['key'])
        return None
    if name == 'clear_expired':
        store_class(op['engine']).clear_expired()
        return None
    if name == 'session_flush':
        session = store_class(op['engine'])(op['key'])
        session.flush()
        return {'key_after': session.session_key, 'empty': session.is_empty()}
    if name == 'create_session_table':
        # What a migration creating a custom session model with db_table=table runs.
        from django.db import connection

        with connection.schema_editor() as editor:
            editor.create_model(session_model_for_table(op['table']))
        return None
    if name == 'sqlmigrate':
        import io

        from django.core.management import call_command

        out = io.StringIO()
        call_command('sqlmigrate', op['app'], op['migration'], stdout=out, no_color=True)
        return out.getvalue()
    raise ValueError('unknown op %r' % name)


def to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode('latin-1')
    raise TypeError('cannot encode %r' % type(value).__name__)


def run_ops(ops):
    results = []
    for op in ops or []:
        try:
            with frozen_time(op.get('time')):
                results.append(run(op))
        except Exception as error:  # noqa: BLE001 - reported to the caller
            results.append({'error': type(error).__name__, 'message': str(error)})
    return results


def run_batch(batch):
    """Runs batch['ops'] under batch['settings'] (overrides of the process's settings, for these ops only).

    DATABASE_* settings among them point the default connection at another database on the same engine
    (switch_database); the others are applied with override_settings (SECRET_KEY, SESSION_ENGINE, ...),
    FAST_PASSWORD_HASHER as the PASSWORD_HASHERS it stands for (Django empties its hasher caches when that
    setting changes).
    """
    from django.test import override_settings

    overrides = with_integer_levels(dict(batch.get('settings') or {}))
    hashers = password_hashers(overrides)
    if hashers is not None:
        overrides['PASSWORD_HASHERS'] = hashers
    if any(key.startswith('DATABASE_') for key in overrides):
        switch_database(database(overrides))
    try:
        with override_settings(**overrides):
            refresh_level_tags()
            return run_ops(batch.get('ops'))
    finally:
        refresh_level_tags()


def switch_database(wanted):
    """Points the default connection at the database `wanted` describes (a DATABASES entry, see database()).

    It closes the connection and changes the settings it reconnects with: another SQLite file, another
    PostgreSQL search_path (OPTIONS), another MySQL database (NAME). The engine stays the one the process
    started with, and a process that started on SQLite's ':memory:' cannot switch (Django never closes
    that connection, it would lose the database).
    """
    from django.db import connections

    connection = connections['default']
    current = connection.settings_dict
    if wanted['ENGINE'] != current['ENGINE']:
        raise ValueError('a batch cannot change the database engine (%s, started on %s)' % (wanted['ENGINE'], current['ENGINE']))
    changed = {key: value for key, value in wanted.items() if current.get(key) != value}
    if not changed:
        return
    if current['NAME'] == ':memory:':
        raise ValueError("a process started on SQLite's ':memory:' cannot switch databases")
    connection.close()
    current.update(changed)


def refresh_level_tags():
    """Makes the messages framework read MESSAGE_TAGS again: Django reads it once (3.2 at import, 5.2 at first use)."""
    from django.contrib.messages import utils
    from django.contrib.messages.storage import base

    base.LEVEL_TAGS = utils.get_level_tags()


def main():
    # Anything Django prints must not corrupt the JSON we write to stdout.
    out = sys.stdout
    if sys.argv[1:] == ['--serve']:
        # One process for many batches: the first line holds the settings, each later line a batch
        # ({"ops": [...], "settings": {...}}), each answered by one line of results.
        with contextlib.redirect_stdout(sys.stderr):
            configure(json.loads(sys.stdin.readline()).get('settings') or {})
            for line in sys.stdin:
                results = run_batch(json.loads(line))
                out.write(json.dumps(results, default=to_json) + '\n')
                out.flush()
        return
    request = json.load(sys.stdin)
    with contextlib.redirect_stdout(sys.stderr):
        configure(request.get('settings') or {})
        results = run_ops(request.get('ops'))
    json.dump(results, out, default=to_json)
    out.write('\n')


if __name__ == '__main__':
    main()
