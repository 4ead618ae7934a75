"""Django's own PBKDF2 hasher at a low count, for the bridge's tests whose subject is not the count.

FastPBKDF2PasswordHasher is django.contrib.auth.hashers.PBKDF2PasswordHasher with `iterations` lowered
to the tests' FAST_ITERATIONS (test/helpers/password-count.ts): the same algorithm name, so its hashes are
standard Django hashes, pbkdf2_sha256$1000$<salt>$<hash>, which every Django and sessionkit verify at
the count they read from the hash. bridge.py puts it first in PASSWORD_HASHERS when a batch or the
process gives FAST_PASSWORD_HASHER: true; the tests whose subject is Django's real count (260,000 on
3.2, 1,000,000 on 5.2) leave it out.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher

# The tests' fast count: FAST_ITERATIONS in test/helpers/password-count.ts, which the tests check hashes against.
FAST_ITERATIONS = 1000

DJANGO_PBKDF2_HASHER = 'django.contrib.auth.hashers.PBKDF2PasswordHasher'


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = FAST_ITERATIONS


def fast_password_hashers():
    """PASSWORD_HASHERS with the fast hasher in place of Django's PBKDF2PasswordHasher, Django's others after it.

    In place, not beside: Django finds a hasher by its algorithm name in a dict built from the list,
    where the last of a name wins, so with Django's own after it, make_password(hasher='pbkdf2_sha256')
    would hash at Django's count and a wrong password's harden_runtime would run up to it. The others
    (pbkdf2_sha1 at Django's count, argon2, bcrypt_sha256, scrypt on 5.2) still make and verify theirs.
    """
    from django.conf import global_settings

    others = [path for path in global_settings.PASSWORD_HASHERS if path != DJANGO_PBKDF2_HASHER]
    return [__name__ + '.FastPBKDF2PasswordHasher'] + others
