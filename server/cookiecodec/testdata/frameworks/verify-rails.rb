#!/usr/bin/ruby
# frozen_string_literal: true

# Check Rails cookies (say, made by `formtest sign-cookie`) with the real
# ActionDispatch cookie jar and cookie store (Debian's ActionPack 6.1).
#
#   ruby verify-rails.rb cookies.json [more.json ...]   # '-' reads stdin
#
# Input: a JSON list of objects with `format` "rails" (others are left to the
# other verify-* scripts), `kind` ("session" by default, "signed" or
# "encrypted"), `name`, `cookie` (or `cookies`, a Cookie header), `secret`
# (secret_key_base; a list rotates the rest in), `values`, and optionally
# `valid` (default true; false means Rails must refuse it), `now` (unix time),
# `rails_kdf_digest` ("SHA1" as 5.2-6.1, "SHA256" as 7.x, or a list; default
# both: a 7.x app that still reads 6.1 cookies) and `rails_digest` (signed
# cookies' HMAC digest, default "SHA1").
#
# The cookie goes through ActionDispatch::Cookies and
# ActionDispatch::Session::CookieStore as in gen-rails.rb; Rails must read it,
# and what it reads must equal `values` (for a session, a `session_id` Rails
# adds is ignored when `values` has none). One line per cookie; exit 1 if any
# check fails or nothing was checked.

require_relative "gen-rails"

def own_value(entry)
  return entry["cookie"] if entry["cookie"]

  entry["cookies"].split(";").map(&:strip).each do |pair|
    k, v = pair.split("=", 2)
    return v if k == entry["name"]
  end
  raise KeyError, "no #{entry["name"]} in cookies"
end

def check(entry)
  kind = entry["kind"] || "session"
  name = entry["name"]
  now = entry["now"] ? Time.at(entry["now"]).utc : Time.now.utc
  seen, = rails_read(kind: kind, name: name, cookie: own_value(entry), secret: entry["secret"], now: now,
                     kdf: entry["rails_kdf_digest"] || %w[SHA256 SHA1], digest: entry["rails_digest"] || "SHA1",
                     session_opts: kind == "session" ? { key: name } : {})
  if kind == "session" && seen.is_a?(Hash) && entry["values"].is_a?(Hash) && !entry["values"].key?("session_id")
    seen = seen.reject { |k, _| k == "session_id" }
  end
  [!seen.nil?, seen]
end

if ARGV.empty?
  warn "usage: verify-rails.rb FILE.json [FILE.json ...]  ('-' for stdin)"
  exit 2
end

passed = 0
failed = 0
ARGV.each do |file|
  entries = JSON.parse(file == "-" ? $stdin.read : File.read(file))
  entries.each_with_index do |e, i|
    next unless e["format"] == "rails"

    want = e.key?("valid") ? e["valid"] : true
    label = "#{File.basename(file)}[#{i}] rails #{e["kind"] || "session"} #{e["name"]}"
    if want.nil?
      puts "skip #{label}: nothing to verify"
      next
    end
    begin
      ok, seen = check(e)
      problem =
        if ok != want
          "Rails #{ok ? "accepted" : "refused"} it, expected #{want ? "accepted" : "refused"}"
        elsif ok && !e["values"].nil? && seen != e["values"]
          "Rails read #{JSON.generate(seen)}, expected #{JSON.generate(e["values"])}"
        end
    rescue StandardError => err
      problem = "error: #{err.class}: #{err.message}"
    end
    if problem
      failed += 1
      puts "FAIL #{label}: #{problem}"
    else
      passed += 1
      puts "ok   #{label}: #{want ? "accepted, values match" : "refused, as expected"}"
    end
  end
end
puts "#{passed} passed, #{failed} failed"
if (passed + failed).zero?
  warn "nothing checked: no rails cookies in the input"
  exit 1
end
exit(failed.zero? ? 0 : 1)
