#!/usr/bin/env node
// Make express-cookie-session.json, express-session.json and jwt.json:
// cookies made and checked by the real npm libraries, each through an Express
// app listening on 127.0.0.1, read from the Set-Cookie it sends.
//
//   mkdir -p /tmp/fxnode && cd /tmp/fxnode && npm init -y &&
//     npm install cookie-session@2.1.1 express-session@1.19.0 express@5.3.0 jsonwebtoken@9.0.3
//   NODE_PATH=/tmp/fxnode/node_modules node gen-node.js   # writes the three files beside this script
//
// Every verdict ("valid") is the library's own: the cookie is sent back to an
// app configured with the vector's secret and the app says what it sees.
'use strict';

const fs = require('fs');
const path = require('path');
const express = require('express');
const cookieSession = require('cookie-session');
const session = require('express-session');
const jwt = require('jsonwebtoken');

const VERSIONS = {};
for (const p of ['express', 'cookie-session', 'cookies', 'keygrip', 'express-session', 'jsonwebtoken']) {
  VERSIONS[p] = require(p + '/package.json').version;
}

// listen starts app on a loopback port and returns {url, close}.
function listen(app) {
  return new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => {
      resolve({ url: 'http://127.0.0.1:' + srv.address().port, close: () => new Promise((r) => srv.close(r)) });
    });
  });
}

// setCookies returns the response's Set-Cookie lines as {name: value}, values exactly as sent.
function setCookies(res) {
  const out = {};
  for (const line of res.headers.getSetCookie()) {
    const first = line.split(';')[0];
    const eq = first.indexOf('=');
    out[first.slice(0, eq)] = first.slice(eq + 1);
  }
  return out;
}

async function post(url, body, cookie) {
  const headers = { 'content-type': 'application/json' };
  if (cookie) headers.cookie = cookie;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function get(url, cookie) {
  return fetch(url, { headers: cookie ? { cookie } : {} });
}

function tamper(s, i) {
  const c = s[i] === 'A' ? 'B' : 'A';
  return s.slice(0, i) + c + s.slice(i + 1);
}

function write(file, vectors) {
  fs.writeFileSync(path.join(__dirname, file), JSON.stringify(vectors, null, 1) + '\n');
}

// ---------------------------------------------------------------- cookie-session

function cookieSessionApp(opts) {
  const app = express();
  app.use(express.json());
  app.use(cookieSession(Object.assign({ name: 'session' }, opts)));
  app.post('/set', (req, res) => {
    Object.assign(req.session, req.body);
    res.json({ ok: true });
  });
  app.get('/show', (req, res) => {
    res.json({ isNew: req.session ? req.session.isNew : null, session: req.session ? Object.assign({}, req.session) : null });
  });
  return app;
}

async function cookieSessionVectors() {
  const vectors = [];
  const apps = new Map();
  async function appFor(secret, extra) {
    const key = JSON.stringify([secret, extra || {}]);
    if (!apps.has(key)) {
      const opts = Object.assign({}, extra || {});
      if (secret !== null) opts.keys = Array.isArray(secret) ? secret : [secret];
      apps.set(key, await listen(cookieSessionApp(opts)));
    }
    return apps.get(key);
  }
  async function issue(values, secret, extra) {
    const a = await appFor(secret, extra);
    const res = await post(a.url + '/set', values);
    return setCookies(res);
  }
  // verdict sends the Cookie header to an app with these keys and reports what it reads.
  async function verdict(cookies, secret, extra) {
    const a = await appFor(secret, extra);
    const res = await get(a.url + '/show', cookies);
    const body = await res.json();
    return { valid: body.isNew === false, seen: body.session, resent: setCookies(res) };
  }
  async function add(set, cookieHeader, secret, values, note, extra) {
    const v = await verdict(cookieHeader, secret, extra);
    if (v.valid) {
      if (JSON.stringify(v.seen) !== JSON.stringify(values)) throw new Error('seen ' + JSON.stringify(v.seen));
    }
    const vec = {
      format: 'express-cookie-session',
      name: 'session',
      cookie: set.session,
      cookies: cookieHeader,
      secret: secret,
      valid: secret === null ? null : v.valid,
      values: values,
      note: note,
    };
    if (Object.keys(v.resent).length) vec.set_cookie_on_read = v.resent;
    vectors.push(vec);
    return v.valid;
  }
  const hdr = (c) => 'session=' + c.session + (c['session.sig'] !== undefined ? '; session.sig=' + c['session.sig'] : '');

  const lesson = { name: 'Jay', email: 'kpatel@codingdojo.com' };
  let c = await issue(lesson, 'keyboard cat');
  if (!(await add(c, hdr(c), 'keyboard cat', lesson, "the lesson's values; keys ['keyboard cat'] (the docs' example key)"))) throw new Error('normal');
  await add(c, hdr(c), 'keyboard dog', lesson, 'wrong key: the .sig does not match, so the app starts a new empty session (payload still readable)');
  await add(c, 'session=' + c.session, 'keyboard cat', lesson, 'the .sig companion cookie missing: refused');
  const forged = Buffer.from(JSON.stringify({ name: 'Jay', admin: true })).toString('base64');
  await add({ session: forged }, 'session=' + forged + '; session.sig=' + c['session.sig'], 'keyboard cat', { name: 'Jay', admin: true },
    'payload replaced (admin:true added) with the old .sig: refused');
  await add(c, 'session=' + c.session + '; session.sig=' + tamper(c['session.sig'], 0), 'keyboard cat', lesson, '.sig tampered');

  const uni = { name: 'Zoë Ångström', city: '東京', emoji: '🍪', quote: '"<b>&\'' };
  c = await issue(uni, 'clé-secrète-ü');
  if (!(await add(c, hdr(c), 'clé-secrète-ü', uni, 'unicode values: base64 of raw UTF-8 JSON (no \\u escapes); a non-ASCII key (UTF-8)'))) throw new Error('uni');

  const types = { n: 42, f: 3.5, t: true, fa: false, none: null, list: [1, 'two', [3]], obj: { a: { b: 'c' } }, empty: '' };
  c = await issue(types, 'keyboard cat');
  if (!(await add(c, hdr(c), 'keyboard cat', types, 'JSON types: numbers, bools, null, nested'))) throw new Error('types');

  // Rotation: keygrip signs with keys[0], verifies with any.
  const old = await issue({ name: 'Ada' }, 'old-key');
  if (!(await add(old, hdr(old), ['new-key', 'old-key'], { name: 'Ada' },
    "key rotation: signed with 'old-key', read by keys ['new-key', 'old-key'] (any key verifies; the app re-sends session.sig signed with keys[0])"))) throw new Error('rot');
  await add(old, hdr(old), ['new-key'], { name: 'Ada' }, "key rotation: signed with 'old-key', the old key dropped from keys: refused");
  const neu = await issue({ name: 'Ada' }, ['new-key', 'old-key']);
  if (!(await add(neu, hdr(neu), ['new-key', 'old-key'], { name: 'Ada' }, 'signed by keys[0] of a rotation list'))) throw new Error('rot2');
  if (!(await add(neu, hdr(neu), 'new-key', { name: 'Ada' }, 'signed by keys[0] of a rotation list, read with that key alone'))) throw new Error('rot3');

  // Another cookie name: the .sig covers "name=value", so renaming breaks it.
  const named = await issue({ name: 'Jay' }, 'keyboard cat', { name: 'app' });
  const namedHdr = 'app=' + named.app + '; app.sig=' + named['app.sig'];
  let v = await verdict(namedHdr, 'keyboard cat', { name: 'app' });
  if (!v.valid) throw new Error('named');
  vectors.push({ format: 'express-cookie-session', name: 'app', cookie: named.app, cookies: namedHdr, secret: 'keyboard cat', valid: true, values: { name: 'Jay' },
    note: "cookie named 'app' (option name: 'app'): the companion is app.sig, HMAC of 'app=<value>'" });
  const renamed = 'session=' + named.app + '; session.sig=' + named['app.sig'];
  v = await verdict(renamed, 'keyboard cat');
  if (v.valid) throw new Error('renamed');
  vectors.push({ format: 'express-cookie-session', name: 'session', cookie: named.app, cookies: renamed, secret: 'keyboard cat', valid: false, values: { name: 'Jay' },
    note: "the 'app' cookie and its sig presented as 'session': refused, the cookie name is part of the signed text" });

  // signed: false: no .sig at all.
  const uns = await issue({ name: 'Jay' }, null, { signed: false });
  if (uns['session.sig'] !== undefined) throw new Error('unsigned has sig');
  v = await verdict('session=' + uns.session, null, { signed: false });
  vectors.push({ format: 'express-cookie-session', name: 'session', cookie: uns.session, cookies: 'session=' + uns.session, secret: null, valid: null, values: { name: 'Jay' },
    note: 'signed: false: no session.sig companion; nothing to verify (the app trusts anything)', library_read: v.seen });

  for (const a of apps.values()) await a.close();
  return vectors;
}

// ---------------------------------------------------------------- express-session

async function expressSessionVectors() {
  const vectors = [];
  const store = new session.MemoryStore(); // shared, so an app with another secret sees the same data
  const apps = new Map();
  async function appFor(secret) {
    const key = JSON.stringify(secret);
    if (!apps.has(key)) {
      const app = express();
      app.use(express.json());
      app.use(session({ secret, store, resave: false, saveUninitialized: false }));
      app.post('/set', (req, res) => {
        Object.assign(req.session, req.body);
        res.json({ id: req.sessionID });
      });
      app.get('/show', (req, res) => res.json({ id: req.sessionID, session: req.session }));
      apps.set(key, await listen(app));
    }
    return apps.get(key);
  }
  async function issue(values, secret) {
    const a = await appFor(secret);
    const res = await post(a.url + '/set', values);
    const id = (await res.json()).id;
    return { cookie: setCookies(res)['connect.sid'], id };
  }
  async function add(cookie, id, secret, serverValues, note) {
    const a = await appFor(secret);
    const res = await get(a.url + '/show', 'connect.sid=' + cookie);
    const body = await res.json();
    const valid = body.id === id;
    const vec = { format: 'express-session', name: 'connect.sid', cookie, secret, valid, values: null, session_id: id, note };
    if (valid) {
      vec.server_data = body.session;
      for (const k of Object.keys(serverValues)) {
        if (JSON.stringify(body.session[k]) !== JSON.stringify(serverValues[k])) throw new Error('server data ' + k);
      }
    }
    vectors.push(vec);
    return valid;
  }

  let s = await issue({ name: 'Jay', email: 'kpatel@codingdojo.com' }, 'keyboard cat');
  if (!(await add(s.cookie, s.id, 'keyboard cat', { name: 'Jay' }, "secret 'keyboard cat' (the docs' example); the cookie is only the id, the data is in the store"))) throw new Error('normal');
  await add(s.cookie, s.id, 'keyboard dog', {}, 'wrong secret: the app ignores the cookie and would start a new session');
  const raw = decodeURIComponent(s.cookie);
  const dot = raw.lastIndexOf('.');
  await add(encodeURIComponent(raw.slice(0, dot) + '.' + tamper(raw.slice(dot + 1), 2)), s.id, 'keyboard cat', {}, 'signature tampered');
  await add(encodeURIComponent('s:' + tamper(raw.slice(2, dot), 0) + raw.slice(dot)), tamper(raw.slice(2, dot), 0), 'keyboard cat', {}, 'session id changed, old signature kept');
  await add(encodeURIComponent(raw.slice(2)), s.id, 'keyboard cat', {}, "the 's:' prefix removed: an unsigned id, refused");
  await add(raw, s.id, 'keyboard cat', { name: 'Jay' }, "not URL-encoded ('s:' with a raw colon): the cookie parser decodes either form, so it is accepted");

  // One whose signature has '+' or '/' (URL-encoded as %2B / %2F).
  for (let i = 0; i < 200; i++) {
    const t = await issue({ n: i }, 'keyboard cat');
    if (/%2B|%2F/.test(t.cookie)) {
      if (!(await add(t.cookie, t.id, 'keyboard cat', { n: i }, "signature containing '+' or '/', URL-encoded as %2B / %2F"))) throw new Error('plus');
      break;
    }
  }

  const u = await issue({ name: 'Zoë 東京 🍪' }, 'clé-secrète-ü');
  if (!(await add(u.cookie, u.id, 'clé-secrète-ü', { name: 'Zoë 東京 🍪' }, 'non-ASCII secret (HMAC key is its UTF-8); unicode values stay on the server'))) throw new Error('uni');

  const old = await issue({ name: 'Ada' }, 'old-secret');
  if (!(await add(old.cookie, old.id, ['new-secret', 'old-secret'], { name: 'Ada' }, "secret rotation: signed with 'old-secret', read by secret ['new-secret', 'old-secret'] (first signs, any verifies)"))) throw new Error('rot');
  await add(old.cookie, old.id, ['new-secret'], {}, 'secret rotation: the old secret dropped: refused');
  const neu = await issue({ name: 'Ada' }, ['new-secret', 'old-secret']);
  if (!(await add(neu.cookie, neu.id, 'new-secret', { name: 'Ada' }, 'made under secret [new, old]: signed with the first'))) throw new Error('rot2');

  for (const a of apps.values()) await a.close();
  return vectors;
}

// ---------------------------------------------------------------- JWT

const NOW = 1767225600; // 2026-01-01T00:00:00Z

async function jwtVectors() {
  const vectors = [];
  const app = express();
  app.use(express.json());
  app.post('/login', (req, res) => {
    const { claims, secret, alg } = req.body;
    res.cookie('token', jwt.sign(claims, secret, { algorithm: alg }), { httpOnly: true });
    res.json({ ok: true });
  });
  const a = await listen(app);
  async function issue(claims, secret, alg) {
    const res = await post(a.url + '/login', { claims, secret, alg });
    return setCookies(res).token;
  }
  function verdict(token, secret, alg, now, maxAge) {
    const opts = { clockTimestamp: now };
    if (alg) opts.algorithms = [alg];
    if (maxAge !== undefined) opts.maxAge = maxAge;
    try {
      return { valid: true, claims: jwt.verify(token, secret, opts) };
    } catch (e) {
      return { valid: false, error: e.name + ': ' + e.message };
    }
  }
  function add(token, secret, alg, claims, now, note, extra) {
    const v = verdict(token, secret, alg, now, extra && extra.max_age);
    if (v.valid && JSON.stringify(v.claims) !== JSON.stringify(claims)) throw new Error('claims');
    const vec = Object.assign({ format: 'jwt', name: 'token', cookie: token, secret, alg, valid: v.valid, now, values: claims, note }, extra || {});
    if (!v.valid) vec.library_error = v.error;
    vectors.push(vec);
    return v.valid;
  }
  const base = { sub: 'jay', name: 'Jay', email: 'kpatel@codingdojo.com', iat: NOW - 60 };
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    const t = await issue(base, 'your-256-bit-secret', alg);
    if (!add(t, 'your-256-bit-secret', alg, base, NOW, alg + " with jwt.io's example secret")) throw new Error(alg);
    add(t, 'secret', alg, base, NOW, alg + '; wrong secret (claims still readable)');
  }
  let t = await issue(base, 'your-256-bit-secret', 'HS256');
  const [h, p, sig] = t.split('.');
  const forgedClaims = Object.assign({}, base, { name: 'Admin' });
  add(h + '.' + Buffer.from(JSON.stringify(forgedClaims)).toString('base64url') + '.' + sig, 'your-256-bit-secret', 'HS256', forgedClaims, NOW, 'claims replaced, old signature kept');
  add(h + '.' + p + '.' + tamper(sig, 5), 'your-256-bit-secret', 'HS256', base, NOW, 'signature tampered');
  const h512 = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
  add(h512 + '.' + p + '.' + sig, 'your-256-bit-secret', 'HS512', base, NOW, 'header changed to HS512 (the header is signed too)');

  const uni = { sub: 'zoë', name: 'Zoë Ångström 東京 🍪', iat: NOW - 60 };
  t = await issue(uni, 'clé-secrète-ü', 'HS256');
  if (!add(t, 'clé-secrète-ü', 'HS256', uni, NOW, 'unicode claims (raw UTF-8 JSON, base64url) and a non-ASCII secret (UTF-8)')) throw new Error('uni');

  const types = { n: 42, f: 3.5, t: true, fa: false, none: null, list: [1, 'two'], obj: { a: { b: 'c' } }, iat: NOW - 60 };
  t = await issue(types, 'secret', 'HS256');
  add(t, 'secret', 'HS256', types, NOW, "JSON types in claims; secret 'secret'");

  // Time: exp and nbf against a fixed now.
  const live = Object.assign({}, base, { exp: NOW + 3600, nbf: NOW - 60 });
  t = await issue(live, 'secret', 'HS256');
  add(t, 'secret', 'HS256', live, NOW, 'exp an hour ahead, nbf a minute ago: valid');
  const expired = Object.assign({}, base, { iat: NOW - 7200, exp: NOW - 3600 });
  t = await issue(expired, 'secret', 'HS256');
  add(t, 'secret', 'HS256', expired, NOW, 'expired: exp an hour before now (signature good)');
  add(t, 'secret', 'HS256', expired, NOW - 3601, 'the same token one second before exp: valid');
  const edge = Object.assign({}, base, { exp: NOW });
  t = await issue(edge, 'secret', 'HS256');
  add(t, 'secret', 'HS256', edge, NOW, 'now == exp: expired (jsonwebtoken refuses when now >= exp)');
  const future = Object.assign({}, base, { nbf: NOW + 3600, exp: NOW + 7200 });
  t = await issue(future, 'secret', 'HS256');
  add(t, 'secret', 'HS256', future, NOW, 'not yet valid: nbf an hour after now');
  const nbfEdge = Object.assign({}, base, { nbf: NOW });
  t = await issue(nbfEdge, 'secret', 'HS256');
  add(t, 'secret', 'HS256', nbfEdge, NOW, 'now == nbf: valid (refused only when nbf > now)');
  const old = Object.assign({}, base, { iat: NOW - 7200 });
  t = await issue(old, 'secret', 'HS256');
  add(t, 'secret', 'HS256', old, NOW, "verify's maxAge 3600 against iat two hours ago: too old", { max_age: 3600 });

  // alg none: unsigned. jsonwebtoken makes one (empty signature) and only accepts it
  // when the caller names 'none' in algorithms and passes no secret.
  const unsignedClaims = { sub: 'jay', admin: true, iat: NOW - 60 };
  t = await issue(unsignedClaims, null, 'none');
  const accepted = verdict(t, null, 'none', NOW).valid;
  const withSecret = verdict(t, 'secret', null, NOW);
  vectors.push({ format: 'jwt', name: 'token', cookie: t, secret: 'secret', alg: 'none', valid: false, now: NOW, values: unsignedClaims,
    note: "alg none: unsigned (empty third part). Never valid: jsonwebtoken refuses it with a secret; it accepts it only with algorithms: ['none'] and no secret",
    library_error: withSecret.error, library_accepts_with_algorithms_none: accepted });
  const noneUpper = Buffer.from(JSON.stringify({ alg: 'None', typ: 'JWT' })).toString('base64url') + '.' + t.split('.')[1] + '.';
  vectors.push({ format: 'jwt', name: 'token', cookie: noneUpper, secret: 'secret', alg: 'None', valid: false, now: NOW, values: unsignedClaims,
    note: "alg 'None' (capitalised, hand-made): unsigned too; never valid", library_error: verdict(noneUpper, 'secret', null, NOW).error });

  await a.close();
  return vectors;
}

module.exports = { listen, setCookies, get, cookieSessionApp };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

async function main() {
  write('express-cookie-session.json', await cookieSessionVectors());
  write('express-session.json', await expressSessionVectors());
  write('jwt.json', await jwtVectors());
  process.stderr.write('versions: ' + JSON.stringify(VERSIONS) + '\n');
}
