#!/bin/sh
# Make one cookie per format with formtest sign-cookie and have each real
# library read it back (the verifiers of server/cookiecodec/testdata/frameworks,
# which need python3-django, ruby-rails, php-illuminate-* and the npm modules
# installed as that folder's README says). Writes sign-cookie-made.json beside
# itself, which the Go tests also read back with inspect-cookie.
#
#   sh cmd/formtest/testdata/sign-cookie-real.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=$(mktemp -d)/formtest
(cd "$root" && go build -o "$bin" ./cmd/formtest)
now=$(date +%s)
app_key='base64:K9SVjXADyesFzQ4+kkJoJTMOs5gaS/8DB+kRo+i+ibI='
rails_key='f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d4f1c9a7e3b2d40123'
json='{"name":"admin","email":"a@b.c","unicode":"Zoë 東京 🍪","n":3,"ok":true}'
{
  echo '['
  printf '{"format":"flask","name":"session","secret":"dev","cookie":"%s"},\n' "$("$bin" sign-cookie --format flask --secret dev --json "$json")"
  printf '{"format":"django","name":"sessionid","secret":"django-insecure-abc","cookie":"%s"},\n' "$("$bin" sign-cookie --format django --secret django-insecure-abc --json "$json")"
  printf '{"format":"express-cookie-session","name":"session","secret":"keyboard cat","cookies":"%s"},\n' "$("$bin" sign-cookie --format express --secret 'keyboard cat' --json "$json")"
  for alg in HS256 HS384 HS512; do
    printf '{"format":"jwt","name":"token","secret":"your-256-bit-secret","alg":"%s","cookie":"%s"},\n' $alg "$("$bin" sign-cookie --format jwt --alg $alg --secret your-256-bit-secret --json "$json")"
  done
  printf '{"format":"rails","kind":"session","name":"_app_session","secret":"%s","rails_kdf_digest":"SHA1","cookie":"%s"},\n' "$rails_key" "$("$bin" sign-cookie --format rails --secret "$rails_key" --json "$json")"
  printf '{"format":"rails","kind":"session","name":"_app_session","secret":"%s","rails_kdf_digest":"SHA256","cookie":"%s"},\n' "$rails_key" "$("$bin" sign-cookie --format rails --rails7 --secret "$rails_key" --json "$json")"
  printf '{"format":"rails","kind":"signed","name":"user","secret":"%s","rails_kdf_digest":"SHA1","cookie":"%s"},\n' "$rails_key" "$("$bin" sign-cookie --format rails --encrypt=false --name user --secret "$rails_key" --json "$json")"
  printf '{"format":"laravel","kind":"cookie-session","name":"laravel_session","secret":"%s","cookies":"%s"},\n' "$app_key" "$("$bin" sign-cookie --format laravel --secret "$app_key" --json "$json")"
  # Negative controls: made with one key, checked with another; each library must refuse.
  printf '{"format":"django","name":"sessionid","secret":"django-insecure-other","valid":false,"cookie":"%s"},\n' "$("$bin" sign-cookie --format django --secret django-insecure-abc --json "$json")"
  printf '{"format":"jwt","name":"token","secret":"other","valid":false,"cookie":"%s"},\n' "$("$bin" sign-cookie --format jwt --secret your-256-bit-secret --json "$json")"
  printf '{"format":"rails","kind":"session","name":"_app_session","secret":"%s","valid":false,"rails_kdf_digest":"SHA1","cookie":"%s"}\n' "${rails_key}0" "$("$bin" sign-cookie --format rails --secret "$rails_key" --json "$json")"
  echo ']'
} | /usr/bin/python3 -c '
import json, sys
made = json.load(sys.stdin)
values = {"name": "admin", "email": "a@b.c", "unicode": "Zoë 東京 🍪", "n": 3, "ok": True}
for m in made:
    m["values"] = dict(values)
    if m["format"] == "jwt":
        m["values"]["iat"] = None  # set below from the token
json.dump(made, sys.stdout, ensure_ascii=False, indent=1)
' > "$here/sign-cookie-made.json.tmp"
# The JWT claims carry iat: read it back from the token itself.
/usr/bin/python3 - "$here/sign-cookie-made.json.tmp" <<'PY'
import base64, json, sys
p = sys.argv[1]
made = json.load(open(p, encoding="utf-8"))
for m in made:
    if m["format"] == "jwt":
        claims = m["cookie"].split(".")[1]
        m["values"]["iat"] = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["iat"]
json.dump(made, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
mv "$here/sign-cookie-made.json.tmp" "$here/sign-cookie-made.json"
sh "$root/server/cookiecodec/testdata/frameworks/verify-all.sh" "$here/sign-cookie-made.json"
