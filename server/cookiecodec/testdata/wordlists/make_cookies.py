#!/usr/bin/env python3
"""Signs the Flask session cookies that keys_test.go searches for in the
wordlists beside this script, with the real Flask (Debian's python3-flask).

Run from this directory: python3 make_cookies.py
It writes cookies.json and the three lists. Each key is one the lists hold in their own notation (a Python literal in
flask-unsign-style.txt, base64 in cookiemonster-style.txt, a plain line
that happens to look like base64 in plain-base64-looking.txt)."""
import ast
import base64
import json
import random

from flask import Flask

CASES = [
    # (note, key as Flask gets it, list that holds it, line as written there)
    ("bytes literal with escapes", b"\x8f\x00k\xe9y\n\\", "flask-unsign-style.txt", r"b'\x8f\x00k\xe9y\n\\'"),
    ("str literal with a non-ASCII escape", "caf\u00e9 cr\u00e8me", "flask-unsign-style.txt", r"'caf\u00e9 cr\xe8me'"),
    ("double-quoted literal with a quote inside", "it's \"quoted\"", "flask-unsign-style.txt", r'"it\'s \"quoted\""'),
    ("base64 line", base64.b64decode("3q2+7wABAgNrZXk/Pz8="), "cookiemonster-style.txt", "3q2+7wABAgNrZXk/Pz8="),
    ("plain key that looks like base64", "Passw0rdPassw0rd", "plain-base64-looking.txt", "Passw0rdPassw0rd"),
]

out = []
for note, key, wordlist, line in CASES:
    app = Flask(__name__)
    app.secret_key = key
    s = app.session_interface.get_signing_serializer(app)
    cookie = s.dumps({"user": "admin", "note": note})
    kb = key if isinstance(key, bytes) else key.encode()
    out.append({"note": note, "cookie": cookie, "key_hex": kb.hex(), "wordlist": wordlist, "line": line})
with open("cookies.json", "w") as f:
    f.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")

# The lists: filler lines in each list's style, made from a fixed seed,
# with the keys above in the middle.
rnd = random.Random(12)


def word():
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(rnd.randint(4, 20)))


def literal(k):
    # As Flask-Unsign-Wordlist writes its lines: repr() of str and bytes.
    return repr(k)


lists = {name: [] for name in ("flask-unsign-style.txt", "cookiemonster-style.txt", "plain-base64-looking.txt")}
for i in range(3000):
    w = word()
    lists["flask-unsign-style.txt"].append(literal(w if i % 3 else w.encode() + bytes([rnd.randrange(256)])))
    lists["cookiemonster-style.txt"].append(base64.b64encode(w.encode() + bytes([rnd.randrange(256)])).decode())
    lists["plain-base64-looking.txt"].append(w)
for note, key, wordlist, line in CASES:
    assert wordlist != "flask-unsign-style.txt" or ast.literal_eval(line) == key, line
    l = lists[wordlist]
    l.insert(len(l) // 2 + rnd.randrange(100), line)
for name, lines in lists.items():
    with open(name, "w") as f:
        f.write("\n".join(lines) + "\n")
