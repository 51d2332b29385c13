#!/usr/bin/python3
"""Check every vector in this folder against the formats as
/work/shared/reference/framework-cookies.md states them, re-implemented here
with nothing but the standard library and `cryptography` (for AES), no
framework code.

    /usr/bin/python3 check-facts.py        # Debian's python3-cryptography

It recomputes each vector's verdict from the written-down rules and compares
it with the verdict the real library gave ("valid"), and the decoded values
with "values". A disagreement means the written rule is wrong or incomplete.
This is what a Go decoder has to do, in a language that is easy to read.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.parse
import zlib
from datetime import datetime, timezone

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives import padding

HERE = os.path.dirname(os.path.abspath(__file__))


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def as_list(x):
    return x if isinstance(x, list) else [x]


# ---------------------------------------------------------------- Django

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def b62_decode(s):
    n = 0
    for ch in s:
        n = n * 62 + B62.index(ch)
    return n


def django(v):
    if v["format"] == "django-db":
        c = v["cookie"]
        assert len(c) == 32 and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789" for ch in c)
        return None, None
    salt = "django.contrib.sessions.backends.signed_cookies"
    value, sig = v["cookie"].rsplit(":", 1)
    payload, ts = value.rsplit(":", 1)
    ok = False
    for algo in ("sha256", "sha1"):
        key = hashlib.new(algo, (salt + "signer" + v["secret"]).encode()).digest()
        mac = hmac.new(key, value.encode(), algo).digest()
        if hmac.compare_digest(base64.urlsafe_b64encode(mac).rstrip(b"=").decode(), sig):
            ok = True
            assert (algo == "sha1") == (v["variant"] == "sha1-legacy"), v["note"]
    try:
        issued = b62_decode(ts)
    except ValueError:
        return False, None
    if ok and v["now"] - issued > v["max_age"]:
        ok = False
    try:
        raw = b64url_decode(payload.lstrip("."))
        if payload.startswith("."):
            raw = zlib.decompress(raw)
        values = json.loads(raw)
    except Exception:
        values = None
    if ok:
        assert issued == v["issued_at"], v["note"]
    return ok, values


# ---------------------------------------------------------------- Express

def parse_cookie_header(h):
    out = {}
    for part in h.split(";"):
        part = part.strip()
        if part:
            k, _, val = part.partition("=")
            out[k] = val
    return out


def cookie_session(v):
    jar = parse_cookie_header(v["cookies"])
    value = jar[v["name"]]
    values = json.loads(base64.b64decode(value))
    if v["secret"] is None:
        return None, values
    sig = jar.get(v["name"] + ".sig")
    if sig is None:
        return False, values
    text = (v["name"] + "=" + value).encode()
    for k in as_list(v["secret"]):
        mac = hmac.new(k.encode(), text, "sha1").digest()
        if hmac.compare_digest(base64.urlsafe_b64encode(mac).rstrip(b"=").decode(), sig):
            return True, values
    return False, values


def express_session(v):
    raw = urllib.parse.unquote(v["cookie"])
    if not raw.startswith("s:"):
        return False, None
    sid, _, sig = raw[2:].rpartition(".")
    for k in as_list(v["secret"]):
        mac = hmac.new(k.encode(), sid.encode(), "sha256").digest()
        if hmac.compare_digest(base64.b64encode(mac).rstrip(b"=").decode(), sig):
            return sid == v["session_id"], None
    return False, None


# ---------------------------------------------------------------- JWT

def jwt(v):
    h, p, s = v["cookie"].split(".")
    header = json.loads(b64url_decode(h))
    claims = json.loads(b64url_decode(p))
    alg = header.get("alg")
    digests = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}
    if alg not in digests:
        return False, claims  # none / None / anything unknown: unsigned or unsupported, never valid
    mac = hmac.new(v["secret"].encode(), (h + "." + p).encode(), digests[alg]).digest()
    ok = hmac.compare_digest(base64.urlsafe_b64encode(mac).rstrip(b"=").decode(), s)
    now = v["now"]
    if "nbf" in claims and claims["nbf"] > now:
        ok = False
    if "exp" in claims and now >= claims["exp"]:
        ok = False
    if v.get("max_age") is not None and now >= claims["iat"] + v["max_age"]:
        ok = False
    return ok, claims


# ---------------------------------------------------------------- Rails

def rails_unwrap(text, name, now):
    """The _rails envelope rules: returns (accepted, value)."""
    try:
        data = json.loads(text)
    except ValueError:
        return False, None
    if isinstance(data, dict) and "_rails" in data:
        env = data["_rails"]
        value = json.loads(base64.b64decode(env["message"]))
        if env.get("exp"):
            exp = datetime.strptime(env["exp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
            if not now < exp:
                return False, value
        # read first with purpose cookie.<name>, then again with no purpose
        if env.get("pur") not in ("cookie." + name, None):
            return False, value
        return True, value
    return True, data  # no envelope (pre-6.0): accepted under any name


def rails(v):
    raw = urllib.parse.unquote(v["cookie"])
    kdfs = as_list(v["rails_kdf_digest"])
    for skb in as_list(v["secret"]):
        for kdf in kdfs:
            if v["kind"] == "signed":
                data, _, sig = raw.rpartition("--")
                key = hashlib.pbkdf2_hmac(kdf.lower(), skb.encode(), b"signed cookie", 1000, 64)
                mac = hmac.new(key, data.encode(), v["rails_digest"].lower()).hexdigest()
                if hmac.compare_digest(mac, sig):
                    return rails_unwrap(base64.b64decode(data), v["name"], v["now"])
            elif v.get("cipher") == "AES-256-CBC":
                # pre-5.2: MessageEncryptor CBC inside a MessageVerifier (HMAC-SHA1 over the base64 text)
                data, _, sig = raw.rpartition("--")
                sign_key = hashlib.pbkdf2_hmac(kdf.lower(), skb.encode(), b"signed encrypted cookie", 1000, 64)
                if not hmac.compare_digest(hmac.new(sign_key, data.encode(), "sha1").hexdigest(), sig):
                    continue
                ct, iv = (base64.b64decode(x) for x in base64.b64decode(data).decode().split("--"))
                key = hashlib.pbkdf2_hmac(kdf.lower(), skb.encode(), b"encrypted cookie", 1000, 32)
                d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
                u = padding.PKCS7(128).unpadder()
                plain = u.update(d.update(ct) + d.finalize()) + u.finalize()
                return rails_unwrap(plain, v["name"], v["now"])
            else:
                key = hashlib.pbkdf2_hmac(kdf.lower(), skb.encode(), b"authenticated encrypted cookie", 1000, 32)
                ct, iv, tag = (base64.b64decode(x) for x in raw.split("--"))
                assert len(iv) == 12 and len(tag) == 16
                try:
                    plain = AESGCM(key).decrypt(iv, ct + tag, b"")
                except Exception:
                    continue
                ok, value = rails_unwrap(plain, v["name"], v["now"])
                if v["kind"] == "session" and ok:
                    assert len(value["session_id"]) == 32
                return ok, value
    if v["kind"] == "signed":
        data = raw.rpartition("--")[0]
        try:
            return False, rails_unwrap(base64.b64decode(data), v["name"], 0)[1]
        except Exception:
            return False, None
    return False, None


# ---------------------------------------------------------------- Laravel

def php_unserialize(s):
    """A tiny reader for serialize() output: N, b, i, d, s, a (objects refused)."""
    b = s.encode()
    pos = 0

    def read_until(ch):
        nonlocal pos
        end = b.index(ch, pos)
        out = b[pos:end].decode()
        pos = end + 1
        return out

    def value():
        nonlocal pos
        t = chr(b[pos])
        pos += 2  # type and ':' (or ';' for N)
        if t == "N":
            return None
        if t == "b":
            return read_until(b";") == "1"
        if t == "i":
            return int(read_until(b";"))
        if t == "d":
            return float(read_until(b";"))
        if t == "s":
            n = int(read_until(b":"))
            out = b[pos + 1:pos + 1 + n].decode()  # length in bytes, inside quotes
            pos += n + 3
            return out
        if t == "a":
            n = int(read_until(b":"))
            pos += 1  # {
            items = [(value(), value()) for _ in range(n)]
            pos += 1  # }
            if [k for k, _ in items] == list(range(n)):
                return [x for _, x in items]
            return {str(k): x for k, x in items}
        raise ValueError("refused type " + t)

    out = value()
    assert pos == len(b)
    return out


def laravel_decrypt(raw_cookie, name, app_key, cipher):
    """EncryptCookies' rules: returns the plaintext after the name prefix, or None."""
    plain = laravel_decrypt_raw(urllib.parse.unquote(raw_cookie), app_key, cipher)
    if plain is None:
        return None
    key = base64.b64decode(app_key[7:]) if app_key.startswith("base64:") else app_key.encode()
    prefix = hmac.new(key, (name + "v2").encode(), "sha1").hexdigest() + "|"
    if not plain.startswith(prefix):
        return None
    return plain[41:]


def laravel_decrypt_raw(payload_b64, app_key, cipher):
    """Encrypter::decrypt without unserialize: the plaintext of base64(JSON {iv, value, mac, tag}), or None."""
    key = base64.b64decode(app_key[7:]) if app_key.startswith("base64:") else app_key.encode()
    try:
        p = json.loads(base64.b64decode(payload_b64))
    except Exception:
        return None
    iv, value = base64.b64decode(p["iv"]), base64.b64decode(p["value"])
    try:
        if cipher == "AES-256-CBC":
            if p.get("tag"):
                return None  # a tag given to a non-AEAD cipher is refused
            mac = hmac.new(key, (p["iv"] + p["value"]).encode(), "sha256").hexdigest()
            if not hmac.compare_digest(mac, p["mac"]):
                return None
            d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
            u = padding.PKCS7(128).unpadder()
            plain = u.update(d.update(value) + d.finalize()) + u.finalize()
        else:
            tag = base64.b64decode(p.get("tag") or "")
            if len(tag) != 16:
                return None
            plain = AESGCM(key).decrypt(iv, value + tag, b"")
    except Exception:
        return None
    return plain.decode()


def laravel(v):
    if v["kind"] == "cookie":
        got = laravel_decrypt(v["cookie"], v["name"], v["secret"], v["cipher"])
        return got is not None, got if got is not None else None
    if v["kind"] == "session-id":
        got = laravel_decrypt(v["cookie"], "laravel_session", v["secret"], v["cipher"])
        return got == v["session_id"], None
    jar = parse_cookie_header(v["cookies"])
    sid = laravel_decrypt(jar["laravel_session"], "laravel_session", v["secret"], v["cipher"])
    if sid is None:
        return False, None
    body = laravel_decrypt(jar[sid], sid, v["secret"], v["cipher"])
    if body is None:
        return False, None
    data = json.loads(body)
    if v.get("session_encrypt"):
        # session.encrypt: data is an encrypted payload (no name prefix) of serialize(serialize(attributes))
        inner = laravel_decrypt_raw(data["data"], v["secret"], v["cipher"])
        assert inner == v["data_inner_plaintext"]
        data["data"] = php_unserialize(inner)
    if "php_serialized" in v:
        assert data["data"] == v["php_serialized"]
    if v.get("contains_object"):
        try:
            php_unserialize(data["data"])
            raise AssertionError("object not refused")
        except ValueError:
            pass
        return v["now"] <= data["expires"], None
    try:
        values = php_unserialize(data["data"])
    except (ValueError, IndexError):
        return False, None  # Laravel's unserialize() fails too: an empty session
    if v["values"] is None:
        values = None  # INF/NAN: nothing in JSON to compare with
    return v["now"] <= data["expires"], values


CHECKS = {
    "django.json": django,
    "express-cookie-session.json": cookie_session,
    "express-session.json": express_session,
    "jwt.json": jwt,
    "rails.json": rails,
    "laravel.json": laravel,
}


def main():
    failures = 0
    for fname, check in CHECKS.items():
        vectors = json.load(open(os.path.join(HERE, fname), encoding="utf-8"))
        for i, v in enumerate(vectors):
            try:
                ok, values = check(v)
                problem = None
                if ok != v["valid"]:
                    problem = "verdict %r, library said %r" % (ok, v["valid"])
                elif ok and v["values"] is not None and values != v["values"]:
                    problem = "values %r, library said %r" % (values, v["values"])
            except Exception as e:  # noqa: BLE001
                problem = "error: %r" % e
            if problem:
                failures += 1
                print("FAIL %s[%d] %s: %s" % (fname, i, v["note"][:60], problem))
        print("%s: %d vectors checked" % (fname, len(vectors)))
    print("%d passed, %d failed" % (sum(len(json.load(open(os.path.join(HERE, f)))) for f in CHECKS) - failures, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
