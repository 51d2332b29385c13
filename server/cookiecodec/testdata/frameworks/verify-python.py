#!/usr/bin/python3
"""Check cookies (say, made by `formtest sign-cookie`) with the real Django and Flask.

    /usr/bin/python3 verify-python.py cookies.json [more.json ...]   # '-' reads stdin

Input: a JSON list of objects with `format` ("django" or "flask"; other
formats are left to the other verify-* scripts), `cookie` (or `cookies`, a
Cookie header), `name`, `secret`, `values`, and optionally `valid` (default
true; false means the library must refuse it), `now` (unix time to check at),
`max_age` (Django SESSION_COOKIE_AGE / Flask PERMANENT_SESSION_LIFETIME) and
`salt` (Flask). Prints one line per cookie and exits 1 if any check fails or
nothing was checked.
"""

import datetime
import importlib.util
import json
import os
import sys
import time
import uuid
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))

# The Django app (settings, URLconf, views) is the generator's, so a cookie is
# read by exactly the middleware that made the vectors.
_spec = importlib.util.spec_from_file_location("gen_django", os.path.join(HERE, "gen-django.py"))
gen_django = importlib.util.module_from_spec(_spec)
sys.modules["gen_django"] = gen_django
_spec.loader.exec_module(gen_django)

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "gen_django"


def cookie_value(entry):
    """The entry's own cookie value, from `cookie` or the `cookies` header."""
    if entry.get("cookie") is not None:
        return entry["cookie"]
    for part in entry["cookies"].split(";"):
        k, _, v = part.strip().partition("=")
        if k == entry["name"]:
            return v
    raise KeyError("no %s in cookies" % entry["name"])


def check_django(entry):
    """Returns (accepted, values the app sees)."""
    secret = entry["secret"][0] if isinstance(entry["secret"], list) else entry["secret"]  # 3.2 has no key fallbacks
    now = entry.get("now") or int(time.time())
    name = entry.get("name") or "sessionid"
    max_age = entry.get("max_age") or 1209600
    cookie = cookie_value(entry)
    from django.core import signing
    from django.test import Client
    from django.test.utils import override_settings
    with override_settings(SECRET_KEY=secret, SESSION_COOKIE_AGE=max_age, SESSION_COOKIE_NAME=name), gen_django.at(now):
        c = Client()
        c.cookies[name] = cookie
        seen = json.loads(c.get("/show").content)["session"]
        try:
            signing.loads(cookie, salt=gen_django.SALT, max_age=max_age, serializer=signing.JSONSerializer)
            ok = True
        except signing.BadSignature:
            ok = False
    return ok, seen


def flask_plain(v):
    """Flask session values in the shared fixtures' JSON form."""
    from markupsafe import Markup
    from werkzeug.http import http_date
    if isinstance(v, dict):
        return {k: flask_plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [flask_plain(x) for x in v]
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if isinstance(v, Markup):
        return {"$markup": str(v)}
    if isinstance(v, datetime.datetime):
        return {"$datetime": http_date(v)}
    if isinstance(v, uuid.UUID):
        return {"$uuid": str(v)}
    return v


def check_flask(entry):
    from flask import Flask, request
    from itsdangerous import BadSignature
    app = Flask("verify")
    secret = entry["secret"]
    app.secret_key = secret[0] if isinstance(secret, list) else secret
    if isinstance(secret, list):
        app.config["SECRET_KEY_FALLBACKS"] = secret[1:]  # Flask >= 3.1 only; 2.2 ignores it
    app.config["SESSION_COOKIE_NAME"] = entry.get("name") or "session"
    if entry.get("max_age"):
        app.permanent_session_lifetime = datetime.timedelta(seconds=entry["max_age"])
    elif "max_age" in entry:  # explicitly null: do not check age (as the shared Flask fixtures mean it)
        app.permanent_session_lifetime = datetime.timedelta(days=365 * 100)
    if entry.get("salt"):
        app.session_interface.salt = entry["salt"]
    cookie = cookie_value(entry)
    now = entry.get("now")
    patch = mock.patch("itsdangerous.timed.time.time", return_value=float(now)) if now else mock.MagicMock()
    with patch, app.test_request_context("/", headers={"Cookie": "%s=%s" % (app.config["SESSION_COOKIE_NAME"], cookie)}):
        sess = app.session_interface.open_session(app, request)
        s = app.session_interface.get_signing_serializer(app)
        try:
            s.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()))
            ok = True
        except BadSignature:
            ok = False
        return ok, flask_plain(dict(sess))


def check_django_db(entry):
    """A database session id carries nothing to verify; only its shape is checked."""
    c = cookie_value(entry)
    ok = len(c) == 32 and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789" for ch in c)
    return ok, None


CHECKERS = {"django": check_django, "django-db": check_django_db, "flask": check_flask}


def main(argv):
    if len(argv) < 2:
        print("usage: verify-python.py FILE.json [FILE.json ...]  ('-' for stdin)", file=sys.stderr)
        return 2
    passed = failed = 0
    for path in argv[1:]:
        entries = json.load(sys.stdin if path == "-" else open(path, encoding="utf-8"))
        for i, e in enumerate(entries):
            check = CHECKERS.get(e.get("format"))
            if check is None:
                continue
            want = e.get("valid", True)
            label = "%s[%d] %s %s" % (os.path.basename(path), i, e["format"], e.get("name") or "")
            if want is None:
                print("skip %s: nothing to verify" % label)
                continue
            try:
                ok, seen = check(e)
                if ok != want:
                    problem = "library %s it, expected %s" % ("accepted" if ok else "refused", "accepted" if want else "refused")
                elif ok and e.get("values") is not None and seen != e["values"]:
                    problem = "library read %s, expected %s" % (json.dumps(seen, ensure_ascii=False), json.dumps(e["values"], ensure_ascii=False))
                else:
                    problem = None
            except Exception as exc:  # noqa: BLE001
                problem = "error: %r" % exc
            if problem:
                failed += 1
                print("FAIL %s: %s" % (label, problem))
            else:
                passed += 1
                print("ok   %s: %s" % (label, "accepted, values match" if want else "refused, as expected"))
    print("%d passed, %d failed" % (passed, failed))
    if passed + failed == 0:
        print("nothing checked: no django or flask cookies in the input", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
