#!/usr/bin/ruby
# frozen_string_literal: true

# Make rails.json: Rails signed and encrypted cookies, and the cookie-store
# session, made and checked by Debian's ActionPack/ActiveSupport 6.1.
#
#   ruby gen-rails.rb > rails.json
#
# Each request goes through the real middleware stack a Rails app puts in
# front of a controller (ActionDispatch::Cookies, then
# ActionDispatch::Session::CookieStore), with the request environment that
# Rails::Application#env_config builds under `config.load_defaults "6.1"`.
# The cookie is the value the Set-Cookie header carried. Each verdict is the
# middleware's own: the cookie is sent back under the vector's name, secret
# and clock (time is frozen with ActiveSupport's travel_to) and the app
# reports what it reads.
#
# Rails 7.x is not in Debian 12. Its one cookie-relevant default change
# (config.active_support.key_generator_hash_digest_class = SHA256: PBKDF2 with
# HMAC-SHA256 instead of SHA1) is reproduced by handing the 6.1 cookie jar a key
# generator that does exactly what 7.x's KeyGenerator does with that class; the
# jar, the envelope and the ciphers are 6.1's.

require "json"
require "openssl"
require "base64"
require "rack"
require "rack/mock"
require "active_support"
require "active_support/all"
require "active_support/testing/time_helpers"
require "active_support/messages/rotation_configuration"
require "action_dispatch"
require "action_dispatch/middleware/cookies"
require "action_dispatch/middleware/session/cookie_store"

include ActiveSupport::Testing::TimeHelpers

T0 = Time.utc(2026, 1, 1, 0, 0, 0)
SESSION_KEY = "_formtest_session"
SKB = "f1c9a7e3b2d4" * 10 + "0123" # 124 hex chars, like `rails secret` prints (128)
SKB_OLD = "0ld5ecret" * 14
ActiveSupport.escape_html_entities_in_json = true # as a Rails app has it

# What Rails 7.x's ActiveSupport::KeyGenerator does when
# key_generator_hash_digest_class = OpenSSL::Digest::SHA256.
class Sha256KeyGenerator
  def initialize(secret, iterations: 1000)
    @secret = secret
    @iterations = iterations
  end

  def generate_key(salt, key_size = 64)
    OpenSSL::PKCS5.pbkdf2_hmac(@secret, salt, @iterations, key_size, OpenSSL::Digest::SHA256.new)
  end
end

def key_generator(skb, kdf)
  gen = kdf == "SHA256" ? Sha256KeyGenerator.new(skb) : ActiveSupport::KeyGenerator.new(skb, iterations: 1000)
  ActiveSupport::CachingKeyGenerator.new(gen)
end

# env_config is the request environment Rails::Application#env_config gives
# under load_defaults "6.1" (cookie keys only), for one configuration.
#   kdf: "SHA1" (5.2-6.1) or "SHA256" (7.x)
#   digest: signed cookie HMAC digest (config.action_dispatch.signed_cookie_digest; nil = SHA1)
#   metadata: use_cookies_with_metadata (true since 6.0 defaults)
#   rotate: [[skb, kdf], ...] old configurations the app still reads (cookies_rotations)
def env_config(skb, kdf: "SHA1", digest: nil, metadata: true, rotate: [], authenticated: true)
  rotations = ActiveSupport::Messages::RotationConfiguration.new
  rotate.each do |old_skb, old_kdf|
    gen = key_generator(old_skb, old_kdf)
    rotations.rotate :signed, gen.generate_key("signed cookie"), digest: digest || "SHA1"
    rotations.rotate :encrypted, gen.generate_key("authenticated encrypted cookie", 32)
  end
  {
    "action_dispatch.secret_key_base" => skb,
    "action_dispatch.key_generator" => key_generator(skb, kdf),
    "action_dispatch.signed_cookie_salt" => "signed cookie",
    "action_dispatch.encrypted_cookie_salt" => "encrypted cookie",
    "action_dispatch.encrypted_signed_cookie_salt" => "signed encrypted cookie",
    "action_dispatch.authenticated_encrypted_cookie_salt" => "authenticated encrypted cookie",
    "action_dispatch.use_authenticated_cookie_encryption" => authenticated,
    "action_dispatch.encrypted_cookie_cipher" => nil,
    "action_dispatch.signed_cookie_digest" => digest,
    "action_dispatch.cookies_serializer" => :json,
    "action_dispatch.cookies_digest" => nil,
    "action_dispatch.cookies_rotations" => rotations,
    "action_dispatch.use_cookies_with_metadata" => metadata,
    "action_dispatch.cookies_same_site_protection" => ->(_req) { "Lax" },
  }
end

# The app behind the middleware. Its requests carry a JSON "op" in the body.
APP = lambda do |env|
  req = ActionDispatch::Request.new(env)
  op = JSON.parse(env["rack.input"].read)
  out = {}
  case op["do"]
  when "set_signed"
    opts = { value: op["value"] } # always wrapped: a bare Hash would be taken as the options
    opts[:expires] = op["expires"].seconds if op["expires"]
    req.cookie_jar.signed[op["name"]] = opts
  when "set_encrypted"
    opts = { value: op["value"] } # always wrapped: a bare Hash would be taken as the options
    opts[:expires] = op["expires"].seconds if op["expires"]
    req.cookie_jar.encrypted[op["name"]] = opts
  when "set_session"
    op["value"].each { |k, v| req.session[k] = v }
  when "read_signed"
    out["value"] = req.cookie_jar.signed[op["name"]]
  when "read_encrypted"
    out["value"] = req.cookie_jar.encrypted[op["name"]]
  when "read_session"
    req.session.send(:load!)
    h = req.session.to_hash
    # A cookie the store refuses gives a fresh session: no values, at most a new session_id.
    out["value"] = (h.keys - ["session_id"]).empty? ? nil : h
  end
  [200, { "Content-Type" => "application/json" }, [JSON.generate(out)]]
end

def stack(session_opts)
  ActionDispatch::Cookies.new(ActionDispatch::Session::CookieStore.new(APP, { key: SESSION_KEY }.merge(session_opts)))
end

# call sends one request through the stack; returns [app output, {cookie name => raw Set-Cookie value}].
def call(config, op, cookie_header: nil, session_opts: {})
  env = Rack::MockRequest.env_for("/", method: "POST", input: JSON.generate(op))
  env.merge!(config)
  env["HTTP_COOKIE"] = cookie_header if cookie_header
  _status, headers, body = stack(session_opts).call(env)
  text = +""
  body.each { |part| text << part }
  set = {}
  Array(headers["Set-Cookie"]).flat_map { |h| h.split("\n") }.each do |line|
    first = line.split(";").first
    k, v = first.split("=", 2)
    set[k] = v
  end
  [JSON.parse(text), set]
end

VECTORS = []

def rails_desc(kdf, digest)
  { "rails_kdf_digest" => kdf, "rails_digest" => digest }
end

# rails_read sends "name=cookie" through the middleware of an app configured
# with secret (a list: the first is current, the rest rotated in), kdf (a list:
# the first is current, the others rotated in for every secret) and digest, at
# time now. Returns [what the app read (nil when refused), cookies it re-sent].
def rails_read(kind:, name:, cookie:, secret:, now:, kdf: "SHA1", digest: "SHA1", metadata: true, rotate: [], session_opts: {})
  secrets = Array(secret)
  kdfs = Array(kdf)
  rot = rotate.dup
  secrets.each_with_index do |s, i|
    kdfs.each_with_index { |k, j| rot << [s, k] unless i.zero? && j.zero? }
  end
  config = env_config(secrets.first, kdf: kdfs.first, digest: digest == "SHA1" ? nil : digest, metadata: metadata, rotate: rot.uniq)
  op = { "do" => kind == "session" ? "read_session" : "read_#{kind}", "name" => name }
  out, resent = travel_to(now) { call(config, op, cookie_header: "#{name}=#{cookie}", session_opts: session_opts) }
  [out["value"], resent]
end

# add records one vector with the middleware's verdict for it.
#   kind: "signed" | "encrypted" | "session"
def add(kind:, name:, cookie:, secret:, values:, now:, note:, kdf: "SHA1", digest: "SHA1",
        metadata: true, rotate: [], expect: nil, session_opts: {}, extra: {})
  seen, resent = rails_read(kind: kind, name: name, cookie: cookie, secret: secret, now: now, kdf: kdf, digest: digest,
                            metadata: metadata, rotate: rotate, session_opts: session_opts)
  valid = !seen.nil?
  if valid && values && seen != values
    raise "#{note}: read #{seen.inspect}, want #{values.inspect}"
  end
  raise "#{note}: expected valid=#{expect}, got #{valid}" if !expect.nil? && expect != valid
  vec = {
    "format" => "rails",
    "kind" => kind,
    "name" => name,
    "cookie" => cookie,
    "secret" => secret,
    "valid" => valid,
    "now" => now.to_i,
    "values" => values,
    "cipher" => kind == "signed" ? nil : "AES-256-GCM",
  }.merge(rails_desc(kdf, kind == "signed" ? digest : nil))
  vec["note"] = note
  vec["set_cookie_on_read"] = resent unless resent.empty? || kind == "session" # the cookie store rewrites its cookie on every request that loads it
  VECTORS << vec.merge(extra)
  valid
end

def issue(kind, value, name: nil, skb: SKB, kdf: "SHA1", digest: nil, metadata: true, expires: nil, session_opts: {}, authenticated: true)
  config = env_config(skb, kdf: kdf, digest: digest, metadata: metadata, authenticated: authenticated)
  op = { "do" => "set_#{kind}", "name" => name, "value" => value, "expires" => expires }
  _out, set = travel_to(T0) { call(config, op, session_opts: session_opts) }
  set.fetch(kind == "session" ? SESSION_KEY : name)
end

# inner returns the envelope text a vector carries (signed: the base64 data
# part decoded; encrypted: the AES-GCM plaintext), for the decoder engineer.
def inner(kind, cookie, skb, kdf)
  raw = Rack::Utils.unescape(cookie)
  if kind == "signed"
    Base64.strict_decode64(raw.split("--").first)
  else
    # By hand (the library would also check purpose and expiry and hand back only the message).
    key = key_generator(skb, kdf).generate_key("authenticated encrypted cookie", 32)
    ct, iv, tag = raw.split("--").map { |part| Base64.strict_decode64(part) }
    cipher = OpenSSL::Cipher.new("aes-256-gcm").decrypt
    cipher.key = key
    cipher.iv = iv
    cipher.auth_tag = tag
    cipher.auth_data = ""
    (cipher.update(ct) + cipher.final).force_encoding("UTF-8")
  end
end

def with_inner(kind, cookie, skb, kdf)
  { "envelope" => inner(kind, cookie, skb, kdf) }
end

def flip(s, i)
  c = s[i] == "A" ? "B" : "A"
  s[0...i] + c + s[(i + 1)..]
end

# generate makes every vector into VECTORS.
def generate
  lesson = { "name" => "Jay", "email" => "kpatel@codingdojo.com" }
  uni = { "name" => "Zoë Ångström", "city" => "東京", "emoji" => "🍪", "html" => "<b>&'\"" }
  t1 = T0 + 60

  # ---- signed cookies, 6.1 defaults: PBKDF2-HMAC-SHA1 key, HMAC-SHA1 signature
  c = issue("signed", lesson, name: "user")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, expect: true, extra: with_inner("signed", c, SKB, "SHA1"),
      note: "cookies.signed[:user] = hash, Rails 6.1 defaults: data--hex(HMAC-SHA1), key PBKDF2-HMAC-SHA1(secret_key_base, 'signed cookie', 1000, 64); _rails envelope with pur 'cookie.user', exp null")
  add(kind: "signed", name: "user", cookie: c, secret: SKB + "x", values: lesson, now: t1, expect: false, note: "signed; wrong secret_key_base (data still readable)")
  add(kind: "signed", name: "admin", cookie: c, secret: SKB, values: lesson, now: t1, expect: false,
      note: "signed cookie made as 'user' presented as 'admin': refused, the envelope's pur names cookie.user")
  data, sig = c.split("--")
  add(kind: "signed", name: "user", cookie: "#{data}--#{flip(sig, 3)}", secret: SKB, values: lesson, now: t1, expect: false, note: "signed; signature tampered")
  forged = Base64.strict_encode64(JSON.generate({ "_rails" => { "message" => Base64.strict_encode64(JSON.generate({ "name" => "Jay", "admin" => true })), "exp" => nil, "pur" => "cookie.user" } }))
  add(kind: "signed", name: "user", cookie: Rack::Utils.escape(forged) + "--" + sig, secret: SKB, values: { "name" => "Jay", "admin" => true }, now: t1, expect: false,
      note: "signed; data replaced (admin: true), old signature kept")

  c = issue("signed", uni, name: "user")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: uni, now: t1, expect: true, extra: with_inner("signed", c, SKB, "SHA1"),
      note: "signed; unicode values (ActiveSupport::JSON: raw UTF-8, but <, >, & escaped as \\u003c \\u003e \\u0026)")

  c = issue("signed", "just a string", name: "flash_note")
  add(kind: "signed", name: "flash_note", cookie: c, secret: SKB, values: "just a string", now: t1, expect: true, extra: with_inner("signed", c, SKB, "SHA1"),
      note: "signed; the value is a bare JSON string, not a hash")

  c = issue("signed", lesson, name: "remember", expires: 3600)
  add(kind: "signed", name: "remember", cookie: c, secret: SKB, values: lesson, now: T0 + 1800, expect: true, extra: with_inner("signed", c, SKB, "SHA1"),
      note: "signed with expires: 1.hour: exp in the envelope (ISO 8601, milliseconds, UTC); read half an hour later")
  add(kind: "signed", name: "remember", cookie: c, secret: SKB, values: lesson, now: T0 + 3600, expect: false,
      note: "signed with expires: 1.hour, read at exactly exp: refused (fresh only while now < exp)")
  add(kind: "signed", name: "remember", cookie: c, secret: SKB, values: lesson, now: T0 + 86400, expect: false,
      note: "signed with expires: 1.hour, read a day later: refused (signature good)")

  c = issue("signed", lesson, name: "user", metadata: false)
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, expect: true, extra: with_inner("signed", c, SKB, "SHA1"),
      note: "signed without the _rails envelope (use_cookies_with_metadata false, as before 6.0): the data is the JSON itself; 6.1 still accepts it")
  add(kind: "signed", name: "other", cookie: c, secret: SKB, values: lesson, now: t1, expect: true, extra: { "surprise" => true },
      note: "the same envelope-less cookie presented under another name: ACCEPTED, it carries no purpose so nothing binds it to its name")
  c = issue("signed", lesson, name: "user", metadata: false, expires: 3600)
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, expect: true, extra: with_inner("signed", c, SKB, "SHA1"),
      note: "5.2-style: expires set but no purpose: envelope with exp and pur null")

  # 7.x default: PBKDF2-HMAC-SHA256 key, but the signature is still HMAC-SHA1
  c = issue("signed", lesson, name: "user", kdf: "SHA256")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, kdf: "SHA256", expect: true, extra: with_inner("signed", c, SKB, "SHA256"),
      note: "Rails 7.0 defaults: key PBKDF2-HMAC-SHA256 (key_generator_hash_digest_class), signature still HMAC-SHA1 (7.0 did not change signed_cookie_digest)")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, kdf: "SHA1", expect: false,
      note: "a 7.x (SHA256-derived) signed cookie read by a 6.1 app: refused")
  c = issue("signed", lesson, name: "user", kdf: "SHA256", digest: "SHA256")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, kdf: "SHA256", digest: "SHA256", expect: true, extra: with_inner("signed", c, SKB, "SHA256"),
      note: "7.x key derivation and config.action_dispatch.signed_cookie_digest = 'SHA256': hex(HMAC-SHA256), 64 hex characters")
  c = issue("signed", lesson, name: "user", digest: "SHA256")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, digest: "SHA256", expect: true,
      note: "6.1 key derivation (SHA1) with signed_cookie_digest = 'SHA256'")

  c = issue("signed", lesson, name: "user")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, kdf: ["SHA256", "SHA1"], rotate: [[SKB, "SHA1"]], expect: true,
      note: "upgrade rotation: a 6.1 (SHA1-derived) cookie read by a 7.x app with the upgrade guide's cookies_rotations (rotate :signed, SHA1-derived key)")
  c = issue("signed", lesson, name: "user", skb: SKB_OLD)
  add(kind: "signed", name: "user", cookie: c, secret: [SKB, SKB_OLD], values: lesson, now: t1, expect: true,
      note: "secret rotation: made under the old secret_key_base (second in the list), read by an app rotating in a key derived from it")
  add(kind: "signed", name: "user", cookie: c, secret: SKB, values: lesson, now: t1, expect: false,
      note: "secret rotation: the old secret_key_base dropped: refused")

  # ---- encrypted cookies: AES-256-GCM, key PBKDF2(secret_key_base, 'authenticated encrypted cookie', 1000, 32)
  c = issue("encrypted", lesson, name: "prefs")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: lesson, now: t1, expect: true, extra: with_inner("encrypted", c, SKB, "SHA1"),
      note: "cookies.encrypted[:prefs], 6.1: b64(ciphertext)--b64(iv, 12 bytes)--b64(tag, 16 bytes), URL-escaped; plaintext is the _rails envelope")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB + "x", values: nil, now: t1, expect: false, note: "encrypted; wrong secret_key_base (nothing readable)")
  add(kind: "encrypted", name: "settings", cookie: c, secret: SKB, values: nil, now: t1, expect: false,
      note: "encrypted cookie made as 'prefs' presented as 'settings': decrypts, but the envelope's pur is cookie.prefs, so refused")
  ct, iv, tag = Rack::Utils.unescape(c).split("--")
  add(kind: "encrypted", name: "prefs", cookie: Rack::Utils.escape("#{flip(ct, 2)}--#{iv}--#{tag}"), secret: SKB, values: nil, now: t1, expect: false,
      note: "encrypted; ciphertext tampered: GCM tag fails")
  add(kind: "encrypted", name: "prefs", cookie: Rack::Utils.escape("#{ct}--#{iv}--#{flip(tag, 0)}"), secret: SKB, values: nil, now: t1, expect: false,
      note: "encrypted; tag tampered")
  c = issue("encrypted", uni, name: "prefs")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: uni, now: t1, expect: true, extra: with_inner("encrypted", c, SKB, "SHA1"),
      note: "encrypted; unicode values")
  c = issue("encrypted", lesson, name: "prefs", expires: 3600)
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: lesson, now: T0 + 3599, expect: true, extra: with_inner("encrypted", c, SKB, "SHA1"),
      note: "encrypted with expires: 1.hour, read one second before exp")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: nil, now: T0 + 3601, expect: false,
      note: "encrypted with expires: 1.hour, read one second after exp: refused")
  c = issue("encrypted", lesson, name: "prefs", kdf: "SHA256")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: lesson, now: t1, kdf: "SHA256", expect: true, extra: with_inner("encrypted", c, SKB, "SHA256"),
      note: "encrypted, Rails 7.0 key derivation: PBKDF2-HMAC-SHA256")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: nil, now: t1, kdf: "SHA1", expect: false,
      note: "a 7.x encrypted cookie read with 6.1 (SHA1) key derivation: refused")
  c = issue("encrypted", lesson, name: "prefs")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: lesson, now: t1, kdf: ["SHA256", "SHA1"], rotate: [[SKB, "SHA1"]], expect: true,
      note: "upgrade rotation: a 6.1 encrypted cookie read by a 7.x app with the upgrade guide's rotator (rotate :encrypted, SHA1-derived key)")
  c = issue("encrypted", lesson, name: "prefs", skb: SKB_OLD)
  add(kind: "encrypted", name: "prefs", cookie: c, secret: [SKB, SKB_OLD], values: lesson, now: t1, expect: true,
      note: "secret rotation: made under the old secret_key_base, read by an app rotating in its key")

  # ---- pre-5.2 encrypted cookies: AES-256-CBC + HMAC-SHA1 (use_authenticated_cookie_encryption false)
  c = issue("encrypted", lesson, name: "prefs", authenticated: false)
  legacy = { "cipher" => "AES-256-CBC" }
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB, values: lesson, now: t1, expect: true, extra: legacy,
      note: "pre-5.2 encrypted cookie (use_authenticated_cookie_encryption false): b64(b64(ct)--b64(iv))--hex(HMAC-SHA1), "\
            "AES key PBKDF2(secret_key_base, 'encrypted cookie', 1000, 32), HMAC key PBKDF2(..., 'signed encrypted cookie', 1000, 64); "\
            "a 6.1 app reads it (and rewrites it as GCM)")
  add(kind: "encrypted", name: "prefs", cookie: c, secret: SKB + "x", values: nil, now: t1, expect: false, extra: legacy,
      note: "pre-5.2 encrypted cookie; wrong secret_key_base")
  add(kind: "encrypted", name: "other", cookie: c, secret: SKB, values: nil, now: t1, expect: false, extra: legacy,
      note: "pre-5.2 encrypted cookie made by a 6.1 app with metadata on, presented as 'other': refused (pur)")

  # ---- the session: CookieStore keeps it in cookies.encrypted[:_formtest_session]
  sess = { "name" => "Jay", "email" => "kpatel@codingdojo.com" }
  c = issue("session", sess)
  inner_s = JSON.parse(Base64.strict_decode64(JSON.parse(inner("session", c, SKB, "SHA1"))["_rails"]["message"]))
  full = inner_s # includes session_id
  add(kind: "session", name: SESSION_KEY, cookie: c, secret: SKB, values: full, now: t1, expect: true, extra: with_inner("session", c, SKB, "SHA1"),
      note: "the session (config.session_store :cookie_store): an encrypted cookie whose hash carries session_id (32 hex) beside the values")
  add(kind: "session", name: SESSION_KEY, cookie: c, secret: SKB + "x", values: nil, now: t1, expect: false, note: "session; wrong secret_key_base")
  add(kind: "session", name: "_other_session", cookie: c, secret: SKB, values: nil, now: t1, expect: false,
      session_opts: { key: "_other_session" }, note: "session cookie presented to an app whose session key is _other_session: refused (pur cookie._formtest_session)")
  c = issue("session", uni)
  u_full = JSON.parse(Base64.strict_decode64(JSON.parse(inner("session", c, SKB, "SHA1"))["_rails"]["message"]))
  add(kind: "session", name: SESSION_KEY, cookie: c, secret: SKB, values: u_full, now: t1, expect: true, extra: with_inner("session", c, SKB, "SHA1"), note: "session; unicode values")
  c = issue("session", sess, session_opts: { expire_after: 3600 })
  e_full = JSON.parse(Base64.strict_decode64(JSON.parse(inner("session", c, SKB, "SHA1"))["_rails"]["message"]))
  add(kind: "session", name: SESSION_KEY, cookie: c, secret: SKB, values: e_full, now: T0 + 1800, expect: true, session_opts: { expire_after: 3600 },
      extra: with_inner("session", c, SKB, "SHA1"), note: "session with expire_after: 1.hour: exp in the envelope; read half an hour later")
  add(kind: "session", name: SESSION_KEY, cookie: c, secret: SKB, values: nil, now: T0 + 7200, expect: false, session_opts: { expire_after: 3600 },
      note: "session with expire_after: 1.hour, read two hours later: refused (an empty new session)")
  c = issue("session", sess, kdf: "SHA256")
  s7 = JSON.parse(Base64.strict_decode64(JSON.parse(inner("session", c, SKB, "SHA256"))["_rails"]["message"]))
  add(kind: "session", name: SESSION_KEY, cookie: c, secret: SKB, values: s7, now: t1, kdf: "SHA256", expect: true, extra: with_inner("session", c, SKB, "SHA256"),
      note: "session, Rails 7.0 key derivation (PBKDF2-HMAC-SHA256)")
end

if __FILE__ == $PROGRAM_NAME
  generate
  puts JSON.pretty_generate(VECTORS, indent: " ")
end
