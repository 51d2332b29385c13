#!/usr/bin/env node
// Check cookies (say, made by `formtest sign-cookie`) with the real npm libraries.
//
//   NODE_PATH=/tmp/fxnode/node_modules node verify-node.js cookies.json [more.json ...]   # '-' reads stdin
//
// Input: a JSON list of objects with `format` ("express-cookie-session",
// "express-session" or "jwt"; others are left to the other verify-* scripts),
// `cookie` and/or `cookies` (a Cookie header: cookie-session needs the .sig
// companion), `name`, `secret` (string or list), `values`, and optionally
// `valid` (default true; false means the library must refuse it), `now` (unix
// time, for JWT exp/nbf), `alg` and `max_age` (JWT).
//
//   express-cookie-session: sent to an Express app with cookie-session({name, keys});
//     the app must read the session and it must equal `values`.
//   express-session: the signature is checked with express-session's own
//     cookie-signature unsign (the id's data lives in a server store, so there is
//     nothing more to read); `session_id`, when given, must be the id inside.
//   jwt: jsonwebtoken.verify with the secret, algorithms [alg] (or HS256/384/512)
//     and clockTimestamp now; the claims must equal `values`.
//
// Prints one line per cookie and exits 1 if any check fails or nothing was checked.
'use strict';

const fs = require('fs');
const path = require('path');
const jwt = require('jsonwebtoken');
const unsign = require(require.resolve('cookie-signature', { paths: [path.dirname(require.resolve('express-session'))] })).unsign;
const { listen, get, cookieSessionApp } = require('./gen-node.js');

function cookieHeader(e) {
  if (e.cookies) return e.cookies;
  return e.name + '=' + e.cookie;
}

function ownValue(e) {
  if (e.cookie !== undefined && e.cookie !== null) return e.cookie;
  for (const part of e.cookies.split(';')) {
    const p = part.trim();
    const eq = p.indexOf('=');
    if (p.slice(0, eq) === e.name) return p.slice(eq + 1);
  }
  throw new Error('no ' + e.name + ' in cookies');
}

const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = canon(v[k]);
    return out;
  }
  return v;
}

async function checkCookieSession(e) {
  const keys = Array.isArray(e.secret) ? e.secret : [e.secret];
  const a = await listen(cookieSessionApp({ name: e.name || 'session', keys }));
  try {
    const res = await get(a.url + '/show', cookieHeader(e));
    const body = await res.json();
    return { ok: body.isNew === false, seen: body.session };
  } finally {
    await a.close();
  }
}

function checkExpressSession(e) {
  const raw = decodeURIComponent(ownValue(e));
  if (!raw.startsWith('s:')) return { ok: false };
  for (const s of Array.isArray(e.secret) ? e.secret : [e.secret]) {
    const id = unsign(raw.slice(2), s);
    if (id !== false) {
      if (e.session_id && id !== e.session_id) return { ok: false, why: 'id ' + id };
      return { ok: true, seen: null };
    }
  }
  return { ok: false };
}

function checkJWT(e) {
  const opts = { algorithms: e.alg ? [e.alg] : ['HS256', 'HS384', 'HS512'] };
  if (e.now) opts.clockTimestamp = e.now;
  if (e.max_age) opts.maxAge = e.max_age;
  try {
    return { ok: true, seen: jwt.verify(ownValue(e), e.secret, opts) };
  } catch (err) {
    return { ok: false, why: err.message };
  }
}

const CHECKERS = { 'express-cookie-session': checkCookieSession, 'express-session': checkExpressSession, jwt: checkJWT };

async function main(argv) {
  if (argv.length < 1) {
    console.error("usage: verify-node.js FILE.json [FILE.json ...]  ('-' for stdin)");
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of argv) {
    const entries = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
    for (const [i, e] of entries.entries()) {
      const check = CHECKERS[e.format];
      if (!check) continue;
      const want = e.valid === undefined ? true : e.valid;
      const label = `${path.basename(file)}[${i}] ${e.format} ${e.name || ''}`;
      if (want === null) {
        console.log(`skip ${label}: nothing to verify`);
        continue;
      }
      let problem = null;
      try {
        const r = await check(e);
        if (r.ok !== want) {
          problem = `library ${r.ok ? 'accepted' : 'refused'} it, expected ${want ? 'accepted' : 'refused'}` + (r.why ? ` (${r.why})` : '');
        } else if (r.ok && e.values !== undefined && e.values !== null && r.seen !== null && !same(r.seen, e.values)) {
          problem = `library read ${JSON.stringify(r.seen)}, expected ${JSON.stringify(e.values)}`;
        }
      } catch (err) {
        problem = 'error: ' + err.message;
      }
      if (problem) {
        failed++;
        console.log(`FAIL ${label}: ${problem}`);
      } else {
        passed++;
        console.log(`ok   ${label}: ${want ? 'accepted, values match' : 'refused, as expected'}`);
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (passed + failed === 0) {
    console.error('nothing checked: no express-cookie-session, express-session or jwt cookies in the input');
    return 1;
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
