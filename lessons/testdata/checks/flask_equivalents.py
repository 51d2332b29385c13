"""Runs the Flask equivalents of lessons 4 to 7 (the code under
"## Flask equivalent"), as written in the lesson files, and checks that
each does what its lesson says.

Run from the repository root:
    /usr/bin/python3 lessons/testdata/checks/flask_equivalents.py

Needs Debian's python3-flask, python3-cryptography, python3-flask-session,
python3-redis, python3-flask-sqlalchemy and a redis-server binary (started
here on 127.0.0.1:6379 unless one answers there already). Blocks that are
fragments, not whole programs, are only compiled.
"""

import atexit
import importlib.metadata
import importlib.util
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings

CONTENT = pathlib.Path(__file__).resolve().parents[2] / "content"
failures = 0


def check(name, ok, seen):
    global failures
    if not ok:
        failures += 1
    print(f"{'PASS' if ok else 'FAIL'}  {name}\n      {seen}")


def blocks(lesson):
    """The lesson's code blocks under "## Flask equivalent": {file: source}."""
    text = (CONTENT / lesson).read_text()
    _, _, code = text.partition("\n## Flask equivalent\n")
    return dict(re.findall(r"^```\w+ (\S+)\n(.*?)^```$", code, re.S | re.M))


def write(lesson):
    """Writes the lesson's equivalent files into a new directory."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="formtest-" + lesson.split("-")[0] + "-"))
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    for name, src in blocks(lesson).items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(src)
    return d


def load(d, module, **env):
    """Imports d/module.py with env set, from d, and returns its app."""
    os.environ.update(env)
    os.chdir(d)
    spec = importlib.util.spec_from_file_location(f"{d.name}_{module}", d / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.app


def set_cookie(client, name, value):
    if int(importlib.metadata.version("werkzeug").split(".")[0]) >= 3:
        client.set_cookie(name, value)
    else:  # Werkzeug 2 takes the server name first
        client.set_cookie("localhost", name, value)


def post(client, **form):
    return client.post("/users", data={"name": "Ada", "email": "ada@example.com", **form})


def cookie(resp):
    return resp.headers.get("Set-Cookie", "").split(";")[0].split("=", 1)[-1]


print("python", sys.version.split()[0], sys.executable, "flask", importlib.metadata.version("flask"))
print()

# Lesson 4: the key from the environment, and forge.py.
d = write("4-secret-key.md")
app = load(d, "server", FLASK_SECRET_KEY="ThisIsSecret")
c = app.test_client()
r = post(c)
body = c.get("/show").get_data(as_text=True)
check("4 server.py: runs with the key from FLASK_SECRET_KEY; /show greets Ada", r.status_code == 302 and "<h3>Ada</h3>" in body, body.replace("\n", " "))
forged = subprocess.run([sys.executable, "forge.py"], cwd=d, capture_output=True, text=True, check=True).stdout.strip()
c = app.test_client()
set_cookie(c, "session", forged)
body = c.get("/show").get_data(as_text=True)
check("4 forge.py: prints a cookie the app (key ThisIsSecret) accepts as admin", "<h3>admin</h3>" in body, body.replace("\n", " "))
app = load(d, "server", FLASK_SECRET_KEY="a-key-of-my-own")
c = app.test_client()
set_cookie(c, "session", forged)
body = c.get("/show").get_data(as_text=True)
check("4 forge.py: the same cookie is refused by an app with another key", "<h3></h3>" in body, body.replace("\n", " "))
old_cookie = cookie(post(load(d, "server", FLASK_SECRET_KEY="old-key").test_client()))
app = load(d, "server", FLASK_SECRET_KEY="new-key", FLASK_OLD_SECRET_KEY="old-key")
del os.environ["FLASK_OLD_SECRET_KEY"]
c = app.test_client()
set_cookie(c, "session", old_cookie)
accepted = "<h3>Ada</h3>" in c.get("/show").get_data(as_text=True)
if tuple(int(x) for x in importlib.metadata.version("flask").split(".")[:2]) >= (3, 1):
    check("4 server.py: with FLASK_OLD_SECRET_KEY, a cookie signed with the old key is still accepted", accepted, f"accepted={accepted}")
else:
    check("4 server.py: before Flask 3.1, SECRET_KEY_FALLBACKS does nothing: the old key's cookie is refused", not accepted, f"accepted={accepted}")

# Lesson 5: Fernet-encrypted cookies.
try:
    from cryptography.fernet import Fernet

    d = write("5-encrypted.md")
    app = load(d, "server", SESSION_FERNET_KEY=Fernet.generate_key().decode())
    c = app.test_client()
    r = post(c)
    value = cookie(r)
    body = c.get("/show").get_data(as_text=True)
    check("5 server.py: the cookie is a Fernet token without the values in sight; /show greets Ada",
          value.startswith("gAAAAA") and "Ada" not in value and "<h3>Ada</h3>" in body, value[:40] + "...")
    c = app.test_client()
    set_cookie(c, "session", value[:-6] + ("A" if value[-6] != "A" else "B") + value[-5:])
    body = c.get("/show").get_data(as_text=True)
    check("5 server.py: an altered token is refused (empty headings)", "<h3></h3>" in body, body.replace("\n", " "))
except ImportError:
    print("SKIP  5: python3-cryptography is not installed")

# Lesson 6: Flask-Session on Redis.
redis_proc = None
try:
    import redis

    if socket.socket().connect_ex(("127.0.0.1", 6379)) != 0:
        server_bin = shutil.which("redis-server")
        if server_bin:
            redis_proc = subprocess.Popen([server_bin, "--port", "6379", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
            for _ in range(50):
                if socket.socket().connect_ex(("127.0.0.1", 6379)) == 0:
                    break
                time.sleep(0.1)
    d = write("6-database.md")
    app = load(d, "server")

    c = app.test_client()
    r = post(c)
    sid = cookie(r)
    body = c.get("/show").get_data(as_text=True)
    db = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    key = next(iter(db.keys("session:" + sid)), None)
    ttl = db.ttl(key) if key else None
    check("6 server.py: the cookie holds only an id; the values are in Redis, which expires them in 3600 s",
          "Ada" not in sid and "<h3>Ada</h3>" in body and key is not None and 0 < ttl <= 3600, f"cookie {sid[:20]}..., key {key}, ttl {ttl}")
    c.post("/logout")
    check("6 server.py: POST /logout deletes the stored session", not db.exists("session:" + sid), f"exists after logout: {db.exists('session:' + sid)}")
except ImportError as e:
    print(f"SKIP  6: {e}")
except (redis.exceptions.ConnectionError, OSError) as e:
    print(f"SKIP  6: no Redis server: {e}")
finally:
    if redis_proc:
        redis_proc.terminate()
        redis_proc.wait()
compile(blocks("6-database.md")["server_sql.py"], "server_sql.py", "exec")
print("NOTE  6 server_sql.py: a fragment (settings in place of server.py's Redis ones); compiled, not run")

# Lesson 7: the notes in the cookie, then in a database.
d = write("7-grow.md")
app = load(d, "server")
c = app.test_client()
for i in range(3):
    post(c, note=f"note {i}")
body = c.get("/show").get_data(as_text=True)
check("7 server.py: three posts, three notes listed", all(f"<li>note {i}</li>" in body for i in range(3)), body.replace("\n", " "))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    r = post(c, note=os.urandom(3000).hex())
msgs = [str(w.message) for w in caught if "too large" in str(w.message)]
check("7 server.py: past 4 KB the cookie is still sent, and Werkzeug warns", bool(msgs) and len(r.headers.get("Set-Cookie", "")) > 4096, msgs[0] if msgs else "no warning")
try:
    app = load(d, "server_db")
    c = app.test_client()
    for i in range(3):
        r = post(c, note=f"note {i}" * 100)
    body = c.get("/show").get_data(as_text=True)
    check("7 server_db.py: the notes pile up in the database; the cookie stays small",
          body.count("<li>") == 3 and len(r.headers.get("Set-Cookie", "")) < 200, f"{body.count('<li>')} notes, Set-Cookie {len(r.headers.get('Set-Cookie', ''))} bytes")
    c = app.test_client()
    r = c.get("/show")
    check("7 server_db.py: /show without a session redirects to the form", r.status_code == 302, r.status_code)
except ImportError:
    print("SKIP  7 server_db.py: python3-flask-sqlalchemy is not installed")

print()
print("all checks passed" if failures == 0 else f"{failures} check(s) FAILED")
sys.exit(1 if failures else 0)
