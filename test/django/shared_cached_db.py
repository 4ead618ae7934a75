"""Django's cached_db session engine for a project sharing its sessions with a sessionkit app.

sessionkit's cached_db keeps its own copy of each session in the same cache, under
'sessionkit.cached_db<key>' (Django's entries hold pickles, which Node cannot read). Django's engine
does not know that copy, so after a Django logout the Node app would serve the logged-in session from
it until it expired. This engine deletes that copy whenever Django saves or deletes a session, as
sessionkit deletes Django's copy: SESSION_ENGINE = 'shared_cached_db' (this module), with the cache
(SESSION_CACHE_ALIAS) on the same memcached or Redis servers, KEY_PREFIX and VERSION as sessionkit's.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

SESSIONKIT_CACHE_KEY_PREFIX = 'sessionkit.cached_db'


class SessionStore(CachedDbSessionStore):
    def save(self, must_create=False):
        super().save(must_create)
        self._cache.delete(SESSIONKIT_CACHE_KEY_PREFIX + self.session_key)

    def delete(self, session_key=None):
        key = session_key if session_key is not None else self.session_key
        super().delete(session_key)
        if key is not None:
            self._cache.delete(SESSIONKIT_CACHE_KEY_PREFIX + key)
