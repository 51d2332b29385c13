#!/usr/bin/python3
"""Make django.json: Django session cookies made and checked by Django itself.

Run with Debian's interpreter, which has python3-django:

    /usr/bin/python3 gen-django.py > django.json

A tiny app (one URLconf, SessionMiddleware only) is driven through Django's
test Client, so every cookie comes out of the real middleware's Set-Cookie.
The clock is pinned (time.time is patched) so the timestamps, and so the
cookies, are the same on every run. Each verdict ("valid") is Django's own:
the cookie is sent back through the middleware at the vector's "now", and
cross-checked with django.core.signing.loads as the backend calls it.
"""

import json
import sys
import time
import warnings
from unittest import mock

import django
from django.conf import settings

warnings.simplefilter("ignore")  # DEFAULT_HASHING_ALGORITHM is deprecated in 3.2; we use it on purpose.

settings.configure(
    DEBUG=False,
    SECRET_KEY="unused-default",
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["testserver"],
    MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
    INSTALLED_APPS=["django.contrib.sessions"],
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()

from django.core import signing  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402


def set_view(request):
    """The app's form handler: store the posted JSON object in the session."""
    for k, v in json.loads(request.body).items():
        request.session[k] = v
    return JsonResponse({"ok": True})


def show_view(request):
    """The app's /show: the session as the app sees it."""
    return JsonResponse({"session": dict(request.session.items())})


urlpatterns = [path("set", set_view), path("show", show_view)]

SALT = "django.contrib.sessions.backends.signed_cookies"
T0 = 1767225600  # 2026-01-01T00:00:00Z: every cookie here is issued at this instant
LESSON_KEY = "django-insecure-3k#v9^w!r2x8p@q0z$e7m5c1n6b4h*f_j+l&y)s(t=u-a"


def at(t):
    """Pin Django's clock (the signer's timestamp and age check) to unix time t."""
    return mock.patch("django.core.signing.time.time", return_value=float(t))


def issue(values, secret, t=T0, **overrides):
    """POST values to the app under SECRET_KEY=secret at time t; return the
    sessionid value exactly as Set-Cookie carried it."""
    with override_settings(SECRET_KEY=secret, **overrides), at(t):
        c = Client()
        r = c.post("/set", data=json.dumps(values), content_type="application/json")
        morsel = r.cookies["sessionid"]
        header = morsel.OutputString()
        assert header.startswith("sessionid=" + morsel.coded_value + ";"), header
        return morsel.coded_value


def verdict(cookie, secret, now, max_age=1209600, **overrides):
    """Django's verdict at time now: (valid, session the app sees)."""
    with override_settings(SECRET_KEY=secret, SESSION_COOKIE_AGE=max_age, **overrides), at(now):
        c = Client()
        c.cookies["sessionid"] = cookie
        seen = json.loads(c.get("/show").content)["session"]
        try:
            signing.loads(cookie, salt=SALT, max_age=max_age,
                          serializer=signing.JSONSerializer)
            ok = True
        except signing.BadSignature:
            ok = False
    # The middleware gives an empty session to a cookie it refuses.
    assert ok == bool(seen), (cookie, ok, seen)
    return ok, seen


VECTORS = []


def add(cookie, secret, values, now, note, max_age=1209600, variant="sha256",
        issued_at=T0, **overrides):
    valid, seen = verdict(cookie, secret, now, max_age, **overrides)
    if valid:
        assert seen == values, (seen, values)
    VECTORS.append({
        "format": "django",
        "name": "sessionid",
        "cookie": cookie,
        "secret": secret,
        "valid": valid,
        "max_age": max_age,
        "now": now,
        "issued_at": issued_at,
        "variant": variant,
        "compressed": cookie.startswith("."),
        "values": values,
        "note": note,
    })
    return valid


def tamper(s, i):
    """Change one base64url character of s at index i (to another of the alphabet)."""
    ch = s[i]
    repl = "B" if ch != "B" else "C"
    return s[:i] + repl + s[i + 1:]


def main():
    lesson = {"name": "Jay", "email": "kpatel@codingdojo.com"}
    c = issue(lesson, LESSON_KEY)
    assert add(c, LESSON_KEY, lesson, T0 + 60, "the lesson's values; startproject-style django-insecure- key")
    assert not add(c, LESSON_KEY + "x", lesson, T0 + 60, "the lesson's values; wrong SECRET_KEY (payload still readable)")
    assert not add(tamper(c, 3), LESSON_KEY, None, T0 + 60,
                   "payload tampered (one base64 character changed); the signature no longer matches")
    assert not add(c[:-1] + ("A" if c[-1] != "A" else "B"), LESSON_KEY, lesson, T0 + 60,
                   "signature tampered (last character changed)")
    parts = c.split(":")
    ts_tampered = ":".join([parts[0], tamper(parts[1], 0), parts[2]])
    assert not add(ts_tampered, LESSON_KEY, lesson, T0 + 60,
                   "timestamp tampered: it is signed too")

    # Age: Django compares now - timestamp > SESSION_COOKIE_AGE.
    assert add(c, LESSON_KEY, lesson, T0 + 1209600,
               "age exactly SESSION_COOKIE_AGE (1209600 s): still accepted (refused only when age > max_age)")
    assert not add(c, LESSON_KEY, lesson, T0 + 1209601,
                   "expired: one second past the default SESSION_COOKIE_AGE (signature itself is good)")
    assert not add(c, LESSON_KEY, lesson, T0 + 301, "expired under SESSION_COOKIE_AGE=300", max_age=300)
    assert add(c, LESSON_KEY, lesson, T0 - 3600,
               "issued in the future (now is an hour before the timestamp): Django accepts it, the age is negative")

    uni = {"name": "Zoë Ångström", "city": "東京", "emoji": "🍪", "quote": "\"<b>&'"}
    c = issue(uni, "clé-secrète-ü")
    assert add(c, "clé-secrète-ü", uni, T0 + 5,
               "unicode values, compressed (zlib saved space) (ensure_ascii JSON: \\u escapes, surrogate pairs for the emoji) and a non-ASCII SECRET_KEY (UTF-8)")

    short = {"name": "Zoë 漢字"}
    c = issue(short, LESSON_KEY)
    assert not c.startswith("."), c
    assert add(c, LESSON_KEY, short, T0 + 5, "short unicode value, not compressed (zlib would not save space)")

    types = {"n": 42, "neg": -7, "f": 3.5, "t": True, "fa": False, "none": None,
             "list": [1, "two", [3]], "obj": {"a": {"b": "c"}}, "empty": "", "big": 2 ** 53 + 1}
    c = issue(types, LESSON_KEY)
    assert add(c, LESSON_KEY, types, T0 + 5, "JSON types: ints, a float, bools, null, nested lists and objects, an int beyond 2^53")

    big = {"cart": ["item-%d" % (i % 5) for i in range(60)], "note": "a" * 200}
    c = issue(big, LESSON_KEY)
    assert c.startswith("."), c
    assert add(c, LESSON_KEY, big, T0 + 5, "compressed: zlib, marked by a leading '.', which is part of the signed value")
    assert not add(c, "wrong-" + LESSON_KEY, big, T0 + 5, "compressed; wrong SECRET_KEY (payload still readable after zlib)")
    assert not add(c[1:], LESSON_KEY, None, T0 + 5,
                   "compressed value with its '.' removed: the signature covers the '.', so this is refused")

    legacy = {"name": "Ada", "role": "admin"}
    c = issue(legacy, LESSON_KEY, DEFAULT_HASHING_ALGORITHM="sha1")
    assert add(c, LESSON_KEY, legacy, T0 + 5, variant="sha1-legacy",
               note="legacy HMAC-SHA1 signature, made with DEFAULT_HASHING_ALGORITHM='sha1' (Django 3.1-3.2 transitional setting); "
                    "key = SHA1(salt + 'signer' + SECRET_KEY); Django 3.2 at its default sha256 still accepts it (4.0 does not)")
    assert not add(c, LESSON_KEY + "x", legacy, T0 + 5, variant="sha1-legacy",
                   note="legacy HMAC-SHA1 signature; wrong SECRET_KEY")

    json.dump(VECTORS + db_vectors(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


def db_vectors():
    """The default database backend: the cookie is only a random session key."""
    vecs = []
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db", SECRET_KEY=LESSON_KEY):
        call_command("migrate", "sessions", verbosity=0)
        c = Client()
        r = c.post("/set", data=json.dumps({"name": "Jay"}), content_type="application/json")
        key = r.cookies["sessionid"].coded_value
        assert len(key) == 32, key
        seen = json.loads(c.get("/show").content)["session"]
        assert seen == {"name": "Jay"}
        from django.contrib.sessions.models import Session
        row = Session.objects.get(session_key=key)
        vecs.append({
            "format": "django-db",
            "name": "sessionid",
            "cookie": key,
            "secret": None,
            "valid": None,
            "values": None,
            "session_id": key,
            "server_data": row.get_decoded(),
            "note": "default database backend: the cookie is a random 32-character session key "
                    "(lowercase letters and digits); the data ({'name': 'Jay'}) lives in the "
                    "django_session table, signed there, never in the cookie",
        })
    return vecs


if __name__ == "__main__":
    main()
