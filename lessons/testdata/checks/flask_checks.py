"""Checks, against the Flask that runs this script, the facts the lessons
state about Flask, Werkzeug, Jinja and itsdangerous.

Run:  /usr/bin/python3 lessons/testdata/checks/flask_checks.py   (Debian's Flask)
      python3 lessons/testdata/checks/flask_checks.py            (any other)

Each check prints PASS or FAIL, what it checked, and what it saw. The app is
the lesson's form_test app, stage by stage, with the lesson's user.html.
"""

import base64
import hashlib
import hmac
import importlib.metadata
import json
import logging
import os
import sys
import warnings
import zlib

from flask import Flask, redirect, render_template, render_template_string, request, session
from jinja2 import DictLoader

failures = 0
# The 500s below are expected; keep their tracebacks out of the report.
logging.disable(logging.ERROR)


def check(name, ok, seen):
    global failures
    if not ok:
        failures += 1
    print(f"{'PASS' if ok else 'FAIL'}  {name}\n      {seen}")


# The lesson's templates/user.html, before and after stage 3.
USER_HTML = """<h1>User:</h1>
<h3>{{name}}</h3>
<h3>{{email}}</h3>"""
USER_SESSION_HTML = """<h1>User:</h1>
<h3>{{session['name']}}</h3>
<h3>{{session['email']}}</h3>"""


def form_test(stage, secret="ThisIsSecret", **config):
    """The lesson's server.py at stage "hardcoded", "session" or "template"."""
    app = Flask(__name__)
    app.secret_key = secret
    app.config.update(config)
    page = USER_SESSION_HTML if stage == "template" else USER_HTML
    app.jinja_loader = DictLoader({"user.html": page, "index.html": "<form></form>"})

    @app.route("/")
    def index():
        return render_template("index.html")

    @app.route("/users", methods=["POST"])
    def create_user():
        if stage == "hardcoded":
            name = request.form["name"]
            email = request.form["email"]
            return redirect("/")
        session["name"] = request.form["name"]
        session["email"] = request.form["email"]
        return redirect("/show")

    @app.route("/show")
    def show_user():
        if stage == "hardcoded":
            return render_template("user.html", name="Jay", email="kpatel@codingdojo.com")
        if stage == "session":
            return render_template("user.html", name=session["name"], email=session["email"])
        return render_template("user.html")

    return app


def set_cookie(resp):
    return resp.headers.get("Set-Cookie", "")


def cookie_value(resp):
    return set_cookie(resp).split(";")[0].split("=", 1)[1]


def post_form(client):
    return client.post("/users", data={"name": "Ada", "email": "ada@example.com"})


def tampered(value):
    """The cookie with one character of its payload changed."""
    c = "A" if value[1] != "A" else "B"
    return value[:1] + c + value[2:]


def b64decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


versions = {p: importlib.metadata.version(p) for p in ("flask", "werkzeug", "itsdangerous", "jinja2")}
print("python", sys.version.split()[0], sys.executable)
print(" ".join(f"{k} {v}" for k, v in versions.items()))
print()

# Stage 1: the form is read and forgotten.
app = form_test("hardcoded")
c = app.test_client()
r = post_form(c)
check("stage 1: POST /users reads the form, sets no cookie and redirects to /",
      r.status_code == 302 and r.headers["Location"] == "/" and not set_cookie(r),
      f"{r.status_code} Location={r.headers.get('Location')} Set-Cookie={set_cookie(r)!r}")

# The lesson's form: a missing field is a 400, an empty one is stored as "".
app = form_test("session")
r = app.test_client().post("/users", data={"name": "Ada"})
check("a post without the email field answers 400 Bad Request", r.status_code == 400, r.status_code)
c = app.test_client()
r = c.post("/users", data={"name": "", "email": ""})
body = c.get("/show").get_data(as_text=True)
check("a post with both fields empty is stored, and /show shows empty headings",
      r.status_code == 302 and "<h3></h3>" in body, f"{r.status_code}; {body!r}")

# The headers of a page that read the session.
c = app.test_client()
post_form(c)
r = c.get("/show")
check("/show after reading the session: Vary: Cookie, and no Cache-Control",
      r.headers.get("Vary") == "Cookie" and "Cache-Control" not in r.headers,
      f"Vary={r.headers.get('Vary')!r} Cache-Control={r.headers.get('Cache-Control')!r}")

# Fact 1: what the lesson's app does with no session, stage by stage.
for stage, want in (("session", 500), ("template", 200)):
    app = form_test(stage)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = app.test_client().get("/show")
    body = r.get_data(as_text=True)
    check(f"{stage} stage: GET /show with no cookie answers {want}",
          r.status_code == want, f"{r.status_code}; body {body[:80]!r}")
    if want == 200:
        check("template stage: the missing values render as empty headings",
              "<h3></h3>" in body, repr(body))
    good = cookie_value(post_form(app.test_client()))
    c = app.test_client()
    c.set_cookie("session", tampered(good)) if versions["flask"] >= "3" else c.set_cookie("localhost", "session", tampered(good))
    logging.disable(logging.NOTSET)
    seen = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logging.getLogger().addHandler(handler)
    app.logger.addHandler(handler)
    app.logger.propagate = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = c.get("/show")
    logging.getLogger().removeHandler(handler)
    logging.disable(logging.ERROR)
    check(f"{stage} stage: GET /show with a tampered cookie answers {want}, no cookie set",
          r.status_code == want and not set_cookie(r), f"{r.status_code}; Set-Cookie={set_cookie(r)!r}")
    if want == 200:
        check("template stage: the tampered cookie is dropped without a log line or a warning",
              not seen and not caught, f"log {seen}, warnings {[str(w.message) for w in caught]}")

app = form_test("session")
app.testing = True
try:
    app.test_client().get("/show")
    check("session stage: the 500 is a KeyError on session['name']", False, "no exception")
except KeyError as e:
    check("session stage: the 500 is a KeyError on session['name']", e.args == ("name",), repr(e))

# Fact 7: the default session cookie's attributes.
app = form_test("session")
r = post_form(app.test_client())
sc = set_cookie(r)
attrs = [a.strip().split("=")[0].lower() for a in sc.split(";")[1:]]
check("the default session cookie has no Expires and no Max-Age (it lasts until the browser closes)",
      "expires" not in attrs and "max-age" not in attrs, sc.split(";", 1)[1])
check("the default session cookie is HttpOnly with Path=/ and carries no SameSite",
      "httponly" in attrs and "path" in attrs and "samesite" not in attrs, attrs)
check("PERMANENT_SESSION_LIFETIME is 31 days by default",
      app.permanent_session_lifetime.days == 31, str(app.permanent_session_lifetime))
app2 = form_test("session")


@app2.route("/remember", methods=["POST"])
def remember():
    session.permanent = True
    session["name"] = "Ada"
    return "ok"


sc = set_cookie(app2.test_client().post("/remember"))
check("session.permanent = True adds an Expires (31 days on)", "Expires=" in sc, sc.split(";", 1)[1])

# The browser keeps Flask's cookie until it closes, but the server checks
# the timestamp inside it against PERMANENT_SESSION_LIFETIME all the same.
import time as _time
from flask.sessions import SecureCookieSessionInterface as _SCSI

app = form_test("template")
real_time = _time.time
_time.time = lambda: real_time() - 32 * 86400
try:
    old = _SCSI().get_signing_serializer(app).dumps({"name": "Ada", "email": "ada@example.com"})
finally:
    _time.time = real_time
c = app.test_client()
c.set_cookie("session", old) if versions["flask"] >= "3" else c.set_cookie("localhost", "session", old)
body = c.get("/show").get_data(as_text=True)
check("a Flask session cookie signed 32 days ago is refused (31-day PERMANENT_SESSION_LIFETIME), permanent or not",
      "<h3></h3>" in body, body.replace("\n", " "))

# Stage 4 beside gorilla: what itsdangerous signs.
value = cookie_value(post_form(form_test("session").test_client()))
parts = value.split(".")
payload, timestamp, sig = parts[-3:]
check("the cookie is payload.timestamp.signature, three base64 parts", len(parts) in (3, 4),
      f"{len(parts)} parts: {value[:60]}...")
raw = b64decode(payload)
data = json.loads(zlib.decompress(raw) if value.startswith(".") else raw)
check("the payload is the session as JSON, readable without the key", data == {"name": "Ada", "email": "ada@example.com"}, data)
key = hmac.new(b"ThisIsSecret", b"cookie-session", hashlib.sha1).digest()
want = hmac.new(key, f"{payload}.{timestamp}".encode(), hashlib.sha1).digest()
if value.startswith("."):
    want = hmac.new(key, f".{payload}.{timestamp}".encode(), hashlib.sha1).digest()
check("the signature is HMAC-SHA1 of \"payload.timestamp\", keyed by HMAC-SHA1(secret, \"cookie-session\")",
      b64decode(sig) == want, f"sig {sig} recomputed {base64.urlsafe_b64encode(want).rstrip(b'=').decode()}")
other = form_test("session", SESSION_COOKIE_NAME="other")
c = other.test_client()
c.set_cookie("other", value) if versions["flask"] >= "3" else c.set_cookie("localhost", "other", value)
r = c.get("/show")
check("no cookie name is bound in: a 'session' cookie is accepted under another name",
      r.status_code == 200 and "Ada" in r.get_data(as_text=True), r.status_code)

# forge.py (stage 4): with the key in hand anyone can sign a session.
from flask.sessions import SecureCookieSessionInterface

forger = Flask("forge")
forger.secret_key = "ThisIsSecret"
forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"name": "admin", "email": "admin@example.com"})
c = form_test("template").test_client()
c.set_cookie("session", forged) if versions["flask"] >= "3" else c.set_cookie("localhost", "session", forged)
r = c.get("/show")
check("forge.py: a session signed with ThisIsSecret is accepted and greets admin",
      "<h3>admin</h3>" in r.get_data(as_text=True), r.get_data(as_text=True).replace("\n", " "))

# Stage 3: Flask hands `session` to every template by itself.
app = form_test("template")
with app.test_request_context("/"):
    session["name"] = "Ada"
    out = render_template_string("{{ session['name'] }}|{{ session['nope'] }}|")
check("every template sees `session` without being passed it; a missing key renders as ''",
      out == "Ada||", repr(out))

# Stage 4: key rotation with SECRET_KEY_FALLBACKS (Flask 3.1 and later).
old_cookie = cookie_value(post_form(form_test("template", secret="old-key").test_client()))
rot = form_test("template", secret="new-key", SECRET_KEY_FALLBACKS=["old-key"])
c = rot.test_client()
c.set_cookie("session", old_cookie) if versions["flask"] >= "3" else c.set_cookie("localhost", "session", old_cookie)
accepted = "Ada" in c.get("/show").get_data(as_text=True)
fresh = cookie_value(post_form(rot.test_client()))
p, ts, s = fresh.split(".")[-3:]
newkey = hmac.new(b"new-key", b"cookie-session", hashlib.sha1).digest()
signed_new = b64decode(s) == hmac.new(newkey, f"{p}.{ts}".encode(), hashlib.sha1).digest()
if versions["flask"] >= "3.1":
    check("SECRET_KEY_FALLBACKS: a cookie signed with the old key is accepted; new ones are signed with SECRET_KEY",
          accepted and signed_new, f"accepted={accepted} signed with new key={signed_new}")
else:
    check(f"Flask {versions['flask']} has no SECRET_KEY_FALLBACKS: the old key's cookie is refused",
          not accepted, f"accepted={accepted}")

# Stage 7: a list changed in place is not saved; Werkzeug warns on a big cookie.
app = form_test("template")


@app.route("/append", methods=["POST"])
def append():
    session.setdefault("notes", []).append(request.form["note"])
    return "ok"


@app.route("/count")
def count():
    return str(len(session.get("notes", [])))


c = app.test_client()
c.post("/append", data={"note": "first"})  # setdefault inserts the key: saved
c.post("/append", data={"note": "second"})  # append only: not saved
n = c.get("/count").get_data(as_text=True)
check("appending to a list already in the session, with nothing else, is not saved",
      n == "1", f"notes after two appends: {n}")

app = form_test("template")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    r = app.test_client().post("/users", data={"name": os.urandom(4000).hex(), "email": "e@example.com"})
msgs = [str(w.message) for w in caught if "too large" in str(w.message)]
check("an oversize session: Werkzeug warns, and the Set-Cookie is sent anyway",
      bool(msgs) and len(set_cookie(r)) > 4096, f"{r.status_code}, Set-Cookie {len(set_cookie(r))} bytes; warning: {msgs[0] if msgs else None}")

# Stage 5's Fernet: AES-128-CBC and HMAC-SHA256.
try:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    k = Fernet.generate_key()
    tok = b64decode(Fernet(k).encrypt(b'{"name": "Ada"}').decode())
    kb = b64decode(k.decode())
    mac_ok = hmac.new(kb[:16], tok[:-32], hashlib.sha256).digest() == tok[-32:]
    dec = Cipher(algorithms.AES(kb[16:]), modes.CBC(tok[9:25])).decryptor()
    plain = dec.update(tok[25:-32]) + dec.finalize()
    check("Fernet is AES-128-CBC with a random IV, then HMAC-SHA256 over the token",
          mac_ok and plain.startswith(b'{"name": "Ada"}'), f"mac ok={mac_ok}, decrypted {plain[:15]!r}")
except ImportError:
    print("SKIP  Fernet: the cryptography package is not installed")

print()
print("all checks passed" if failures == 0 else f"{failures} check(s) FAILED")
sys.exit(1 if failures else 0)
