package cookiecodec

import (
	"bytes"
	"compress/zlib"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// SignOptions says how to make a cookie.
type SignOptions struct {
	// Format is the cookie's format; Auto is not allowed.
	Format Format
	// Name is the cookie's name; "" means the format's usual name (see
	// DefaultCookieName). gorilla, Express, Rails and Laravel bind it in.
	Name string
	// Secret is the key: gorilla's hash key, Flask's or Django's
	// SECRET_KEY, an Express key, the JWT secret, Rails' secret_key_base,
	// Laravel's APP_KEY bytes.
	Secret []byte
	// BlockKey encrypts a gorilla cookie (16, 24 or 32 bytes).
	BlockKey []byte
	// Salt is Flask's or Django's salt; "" means the format's default.
	Salt string
	// Alg is the JWT algorithm: HS256 (the default), HS384 or HS512.
	Alg string
	// Encrypted makes a Rails cookie encrypted (as its session is) rather
	// than signed.
	Encrypted bool
	// Rails7 derives Rails keys with PBKDF2-HMAC-SHA256, as Rails 7 does,
	// instead of 5.2–6.1's SHA1.
	Rails7 bool
	// Lifetime sets the cookie's own expiry where the format states one
	// (JWT exp, Rails exp, Laravel's cookie session); zero means none, or
	// for Laravel its default of 120 minutes.
	Lifetime time.Duration
	// Now is the issue time; zero means time.Now(). gorilla's library
	// reads its own clock.
	Now time.Time
}

// Cookie is one cookie that Sign made.
type Cookie struct {
	Name  string
	Value string
}

// DefaultCookieName is the name format's framework gives its session
// cookie.
func DefaultCookieName(f Format) string {
	switch f {
	case Django:
		return "sessionid"
	case ExpressSession:
		return "connect.sid"
	case Rails:
		return "_app_session"
	case Laravel:
		return "laravel_session"
	case JWT:
		return "token"
	}
	return "session"
}

// Sign makes a session cookie of values the way format's framework does,
// with the key in opts, and returns it with any companion cookie it needs
// (an Express .sig, a Laravel data cookie), the session cookie first.
// Values are JSON-friendly (strings, float64 or json.Number, bools, nil,
// []any, map[string]any).
func Sign(values map[string]any, opts SignOptions) ([]Cookie, error) {
	if len(opts.Secret) == 0 {
		return nil, errors.New("cookiecodec: sign: a key is needed")
	}
	if opts.Name == "" {
		opts.Name = DefaultCookieName(opts.Format)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if values == nil {
		values = map[string]any{}
	}
	switch opts.Format {
	case Gorilla:
		return signGorilla(values, &opts)
	case Flask:
		return signFlask(values, &opts)
	case Django:
		return signDjango(values, &opts)
	case Express:
		return signExpress(values, &opts)
	case JWT:
		return signJWT(values, &opts)
	case Rails:
		return signRails(values, &opts)
	case Laravel:
		return signLaravel(values, &opts)
	case ExpressSession:
		return nil, errors.New("cookiecodec: sign: an express-session cookie is only a signed id; its values live in the server's store, so there is nothing to put in it")
	}
	return nil, fmt.Errorf("cookiecodec: sign: unknown format %q", opts.Format)
}

// marshalJSON is compact JSON with keys sorted and HTML characters left
// alone; ascii escapes non-ASCII as \uXXXX, as Python's ensure_ascii does.
func marshalJSON(v any, ascii bool) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("cookiecodec: sign: %w", err)
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	if !ascii {
		return out, nil
	}
	var a bytes.Buffer
	for _, r := range string(out) {
		if r < 0x80 {
			a.WriteRune(r)
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(&a, `\u%04x`, u)
		}
	}
	return a.Bytes(), nil
}

// deflate compresses b with zlib, as Python's zlib.compress does.
func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func hmacSum(h func() hash.Hash, key []byte, msg ...string) []byte {
	m := hmac.New(h, key)
	for _, s := range msg {
		m.Write([]byte(s))
	}
	return m.Sum(nil)
}

// signGorilla makes the cookie with gorilla/securecookie itself.
func signGorilla(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	m := make(map[string]any, len(values))
	for k, v := range values {
		switch x := v.(type) {
		case string, bool, float64, int64:
			m[k] = x
		case json.Number:
			if i, err := x.Int64(); err == nil {
				m[k] = i
			} else if f, err := x.Float64(); err == nil {
				m[k] = f
			}
		default:
			return nil, fmt.Errorf("cookiecodec: sign: gorilla: %q is a %s; a gorilla session made here holds strings, numbers and booleans (gob needs every other type registered)", k, jsonKind(v))
		}
	}
	v, err := forgeValues(opts.Name, m, opts.Secret, opts.BlockKey)
	if err != nil {
		return nil, err
	}
	return []Cookie{{opts.Name, v}}, nil
}

// signFlask makes an itsdangerous URLSafeTimedSerializer cookie as Flask's
// session interface does: compact, sorted, ASCII JSON, zlib when shorter.
func signFlask(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	j, err := marshalJSON(values, true)
	if err != nil {
		return nil, err
	}
	payload := base64.RawURLEncoding.EncodeToString(j)
	if z := deflate(j); len(z) < len(j)-1 {
		payload = "." + base64.RawURLEncoding.EncodeToString(z)
	}
	var tb [8]byte
	binary.BigEndian.PutUint64(tb[:], uint64(opts.Now.Unix()))
	signed := payload + "." + base64.RawURLEncoding.EncodeToString(bytes.TrimLeft(tb[:], "\x00"))
	sig := hmacSum(sha1.New, flaskKey(opts.Secret, flaskSalt(opts.Salt)), signed)
	return []Cookie{{opts.Name, signed + "." + base64.RawURLEncoding.EncodeToString(sig)}}, nil
}

// encodeBase62 writes n in Django's base62.
func encodeBase62(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append(b, base62[n%62])
		n /= 62
	}
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// signDjango makes a signed_cookies session as django.core.signing.dumps
// does (compress=True): ASCII JSON, zlib when shorter, a base62 timestamp,
// HMAC-SHA256.
func signDjango(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	j, err := marshalJSON(values, true)
	if err != nil {
		return nil, err
	}
	payload := base64.RawURLEncoding.EncodeToString(j)
	if z := deflate(j); len(z) < len(j)-1 {
		payload = "." + base64.RawURLEncoding.EncodeToString(z)
	}
	signed := payload + ":" + encodeBase62(opts.Now.Unix())
	salt := opts.Salt
	if salt == "" || salt == DefaultSalt {
		salt = DjangoSalt
	}
	sig := hmacSum(sha256.New, djangoKey(sha256.New, salt, opts.Secret), signed)
	return []Cookie{{opts.Name, signed + ":" + base64.RawURLEncoding.EncodeToString(sig)}}, nil
}

// signExpress makes a cookie-session cookie and its keygrip .sig.
func signExpress(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	j, err := marshalJSON(values, false)
	if err != nil {
		return nil, err
	}
	v := base64.StdEncoding.EncodeToString(j)
	sig := hmacSum(sha1.New, opts.Secret, opts.Name+"="+v)
	return []Cookie{{opts.Name, v}, {opts.Name + ExpressSigSuffix, base64.RawURLEncoding.EncodeToString(sig)}}, nil
}

// signJWT makes an HS256/384/512 token of the values as claims, with iat
// (and exp, given a lifetime) unless the values set them.
func signJWT(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	alg := opts.Alg
	if alg == "" {
		alg = "HS256"
	}
	h := jwtHash(alg)
	if h == nil {
		return nil, fmt.Errorf("cookiecodec: sign: JWT alg %q: want HS256, HS384 or HS512", alg)
	}
	claims := make(map[string]any, len(values)+2)
	for k, v := range values {
		claims[k] = v
	}
	if _, ok := claims["iat"]; !ok {
		claims["iat"] = opts.Now.Unix()
	}
	if _, ok := claims["exp"]; !ok && opts.Lifetime > 0 {
		claims["exp"] = opts.Now.Add(opts.Lifetime).Unix()
	}
	hb, _ := marshalJSON(map[string]any{"alg": alg, "typ": "JWT"}, false)
	cb, err := marshalJSON(claims, false)
	if err != nil {
		return nil, err
	}
	signed := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	sig := hmacSum(h, opts.Secret, signed)
	return []Cookie{{opts.Name, signed + "." + base64.RawURLEncoding.EncodeToString(sig)}}, nil
}

// signRails makes a Rails 6.1 (or, with Rails7, 7.0) cookie: the _rails
// envelope bound to the cookie's name, encrypted with AES-256-GCM or
// signed with HMAC-SHA1, URL-escaped as Rack writes it.
func signRails(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	msg, err := marshalJSON(values, false)
	if err != nil {
		return nil, err
	}
	var exp any
	if opts.Lifetime > 0 {
		exp = opts.Now.Add(opts.Lifetime).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	env, err := marshalJSON(map[string]any{"_rails": map[string]any{
		"message": base64.StdEncoding.EncodeToString(msg), "exp": exp, "pur": "cookie." + opts.Name,
	}}, false)
	if err != nil {
		return nil, err
	}
	kdf := sha1.New
	if opts.Rails7 {
		kdf = sha256.New
	}
	var value string
	if opts.Encrypted {
		key := RailsKey(kdf, opts.Secret, RailsEncryptedSalt, railsEncryptedKeyLn)
		sealed, iv, err := sealGCM(key, env, 12)
		if err != nil {
			return nil, err
		}
		ct, tag := sealed[:len(sealed)-16], sealed[len(sealed)-16:]
		value = base64.StdEncoding.EncodeToString(ct) + "--" + base64.StdEncoding.EncodeToString(iv) + "--" + base64.StdEncoding.EncodeToString(tag)
	} else {
		data := base64.StdEncoding.EncodeToString(env)
		mac := hmacSum(sha1.New, RailsKey(kdf, opts.Secret, RailsSignedSalt, railsSignedKeyLen), data)
		value = data + "--" + fmt.Sprintf("%x", mac)
	}
	return []Cookie{{opts.Name, url.QueryEscape(value)}}, nil
}

// sealGCM encrypts plain with AES-GCM under key and a random nonce of n
// bytes, returning ciphertext‖tag and the nonce.
func sealGCM(key, plain []byte, n int) (sealed, nonce []byte, err error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, n)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, fmt.Errorf("cookiecodec: sign: %w", err)
	}
	return gcm.Seal(nil, nonce, plain, nil), nonce, nil
}

// LaravelLifetime is Laravel's default session lifetime (SESSION_LIFETIME).
const LaravelLifetime = 120 * time.Minute

// signLaravel makes a Laravel 8 cookie session (SESSION_DRIVER=cookie):
// laravel_session holding a new session id, and the data cookie named
// after it holding {"data": serialize(values), "expires": unix}, both
// through EncryptCookies' AES-256-CBC with the name prefix.
func signLaravel(values map[string]any, opts *SignOptions) ([]Cookie, error) {
	if n := len(opts.Secret); n != 16 && n != 32 {
		return nil, fmt.Errorf("cookiecodec: sign: Laravel's APP_KEY is 32 bytes (write it as in .env: base64:...), not %d", n)
	}
	id := randomAlnum(40)
	data, err := SerializePHP(values)
	if err != nil {
		return nil, err
	}
	life := opts.Lifetime
	if life <= 0 {
		life = LaravelLifetime
	}
	body, err := marshalJSON(map[string]any{"data": data, "expires": opts.Now.Add(life).Unix()}, false)
	if err != nil {
		return nil, err
	}
	session, err := laravelEncrypt(opts.Secret, LaravelCookiePrefix(opts.Secret, opts.Name)+id)
	if err != nil {
		return nil, err
	}
	dataCookie, err := laravelEncrypt(opts.Secret, LaravelCookiePrefix(opts.Secret, id)+string(body))
	if err != nil {
		return nil, err
	}
	return []Cookie{{opts.Name, session}, {id, dataCookie}}, nil
}

// laravelEncrypt is Laravel 8's Encrypter::encrypt($value, false) with
// AES-256-CBC, URL-encoded as its cookies are.
func laravelEncrypt(key []byte, plain string) (string, error) {
	iv := make([]byte, 16)
	if _, err := rand.Read(iv); err != nil {
		return "", fmt.Errorf("cookiecodec: sign: %w", err)
	}
	ct, err := cbcEncrypt(key, iv, []byte(plain))
	if err != nil {
		return "", err
	}
	ivb, vb := base64.StdEncoding.EncodeToString(iv), base64.StdEncoding.EncodeToString(ct)
	mac := fmt.Sprintf("%x", hmacSum(sha256.New, key, ivb, vb))
	j, err := marshalJSON(struct {
		IV    string `json:"iv"`
		Value string `json:"value"`
		MAC   string `json:"mac"`
		Tag   string `json:"tag"`
	}{ivb, vb, mac, ""}, false)
	if err != nil {
		return "", err
	}
	return url.QueryEscape(base64.StdEncoding.EncodeToString(j)), nil
}

// randomAlnum is n random letters and digits, as Laravel's Str::random.
func randomAlnum(n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

// SerializePHP writes v as PHP's serialize() does: maps as arrays with
// string keys (sorted), lists as arrays keyed 0..n-1.
func SerializePHP(v any) (string, error) {
	var b strings.Builder
	if err := serializePHP(&b, v, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

func serializePHP(b *strings.Builder, v any, depth int) error {
	if depth > maxPHPDepth {
		return fmt.Errorf("cookiecodec: sign: nested over %d deep", maxPHPDepth)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("N;")
	case bool:
		if x {
			b.WriteString("b:1;")
		} else {
			b.WriteString("b:0;")
		}
	case string:
		fmt.Fprintf(b, "s:%d:\"%s\";", len(x), x)
	case int64:
		fmt.Fprintf(b, "i:%d;", x)
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			fmt.Fprintf(b, "d:%d;", int64(x))
		} else {
			fmt.Fprintf(b, "d:%s;", strings.ToUpper(strconv.FormatFloat(x, 'G', -1, 64)))
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return serializePHP(b, i, depth)
		}
		f, err := x.Float64()
		if err != nil {
			return fmt.Errorf("cookiecodec: sign: %q is not a number", x)
		}
		return serializePHP(b, f, depth)
	case []any:
		fmt.Fprintf(b, "a:%d:{", len(x))
		for i, e := range x {
			fmt.Fprintf(b, "i:%d;", i)
			if err := serializePHP(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("}")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(b, "a:%d:{", len(x))
		for _, k := range keys {
			if i, err := strconv.ParseInt(k, 10, 64); err == nil && strconv.FormatInt(i, 10) == k {
				fmt.Fprintf(b, "i:%d;", i) // PHP turns numeric string keys into integers
			} else {
				fmt.Fprintf(b, "s:%d:\"%s\";", len(k), k)
			}
			if err := serializePHP(b, x[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteString("}")
	default:
		return fmt.Errorf("cookiecodec: sign: cannot serialize a %T for PHP", v)
	}
	return nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: sign: %w", err)
	}
	return cipher.NewGCM(block)
}

// cbcEncrypt is AES-CBC with PKCS#7 padding, as openssl_encrypt does.
func cbcEncrypt(key, iv, plain []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: sign: %w", err)
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(slices.Clone(plain), bytes.Repeat([]byte{byte(n)}, n)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return padded, nil
}
