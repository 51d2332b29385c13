<?php
// Make laravel.json: Laravel cookies made and checked by Debian's illuminate 8.83.
//
//   php gen-laravel.php > laravel.json
//
// Each request goes through the middleware a Laravel app puts in its "web"
// group, in its order: EncryptCookies, AddQueuedCookiesToResponse,
// StartSession, then the controller. The container holds what the framework's
// service providers would bind (config, encrypter, cookie jar, session
// manager, date factory). The cookie is the value the Set-Cookie line carried;
// each verdict is the middleware's own: the cookies are sent back through the
// same stack under the vector's APP_KEY, cipher and clock (Carbon's test now),
// and the controller reports what it sees.

require_once 'Illuminate/Container/autoload.php';
require_once 'Illuminate/Config/autoload.php';
require_once 'Illuminate/Encryption/autoload.php';
require_once 'Illuminate/Cookie/autoload.php';
require_once 'Illuminate/Session/autoload.php';
require_once 'Illuminate/Http/autoload.php';

use Illuminate\Config\Repository;
use Illuminate\Container\Container;
use Illuminate\Cookie\CookieJar;
use Illuminate\Cookie\Middleware\AddQueuedCookiesToResponse;
use Illuminate\Cookie\Middleware\EncryptCookies;
use Illuminate\Encryption\Encrypter;
use Illuminate\Http\Request;
use Illuminate\Http\Response;
use Illuminate\Session\Middleware\StartSession;
use Illuminate\Session\SessionManager;
use Illuminate\Support\Carbon;
use Illuminate\Support\DateFactory;
use Illuminate\Support\Facades\Facade;

const T0 = 1767225600; // 2026-01-01T00:00:00Z
// verify-laravel.php defines LARAVEL_FIXTURES_AS_LIBRARY to reuse the app without making vectors.

// app builds the container for one configuration.
function app(string $appKey, string $cipher, string $driver, int $lifetime = 120, bool $encrypt = false): Container
{
    $c = new Container();
    Container::setInstance($c);
    Facade::clearResolvedInstances();
    Facade::setFacadeApplication($c);
    $c->instance('config', new Repository([
        'app' => ['key' => $appKey, 'cipher' => $cipher],
        'session' => [
            'driver' => $driver, 'lifetime' => $lifetime, 'expire_on_close' => false, 'encrypt' => $encrypt,
            'cookie' => 'laravel_session', 'path' => '/', 'domain' => null, 'secure' => false,
            'http_only' => true, 'same_site' => 'lax', 'lottery' => [2, 100],
        ],
    ]));
    $c->singleton('encrypter', function () use ($appKey, $cipher) {
        // As EncryptionServiceProvider: a "base64:" APP_KEY is decoded first.
        $key = str_starts_with($appKey, 'base64:') ? base64_decode(substr($appKey, 7)) : $appKey;
        return new Encrypter($key, $cipher);
    });
    $c->singleton('cookie', fn () => (new CookieJar())->setDefaultPathAndDomain('/', null, false, 'lax'));
    $c->singleton('session', fn ($c) => new SessionManager($c));
    $c->singleton('date', fn () => new DateFactory());
    return $c;
}

// run sends one request through the web middleware; $controller gets the request.
// Returns [controller output, [cookie name => raw Set-Cookie value]].
function run(Container $c, array $cookies, callable $controller): array
{
    $request = Request::create('/', 'POST', [], $cookies);
    $out = null;
    $stack = function ($request) use ($c, $controller, &$out) {
        $out = $controller($request, $c);
        return new Response('ok');
    };
    $session = fn ($r) => (new StartSession($c->make('session')))->handle($r, $stack);
    $queued = fn ($r) => (new AddQueuedCookiesToResponse($c->make('cookie')))->handle($r, $session);
    $response = (new EncryptCookies($c->make('encrypter')))->handle($request, $queued);
    $set = [];
    foreach ($response->headers->all('set-cookie') as $line) {
        $first = explode(';', $line, 2)[0];
        [$k, $v] = explode('=', $first, 2);
        $set[$k] = $v;
    }
    return [$out, $set];
}

// cookieHeader parses "a=1; b=2" as PHP does for $_COOKIE (values urldecoded).
function parseCookieHeader(string $header): array
{
    $out = [];
    foreach (explode(';', $header) as $pair) {
        $pair = trim($pair);
        if ($pair === '') continue;
        [$k, $v] = explode('=', $pair, 2);
        $out[$k] = urldecode($v);
    }
    return $out;
}

function at(int $t): void
{
    Carbon::setTestNow(Carbon::createFromTimestamp($t));
}

$VECTORS = [];

function keyB64(string $raw): string
{
    return 'base64:' . base64_encode($raw);
}

$KEY = keyB64(hash('sha256', 'formtest laravel fixture key', true));
$KEY2 = keyB64(hash('sha256', 'another app', true));

// ------------------------------------------------------------ EncryptCookies on a plain cookie

function issueCookie(string $key, string $cipher, string $name, string $value): string
{
    at(T0);
    $c = app($key, $cipher, 'array');
    [, $set] = run($c, [], function ($req, $c) use ($name, $value) {
        $c->make('cookie')->queue($name, $value, 60);
    });
    return $set[$name];
}

// readCookie: what the controller sees for $name after EncryptCookies (null when refused).
function readCookie(string $key, string $cipher, string $name, string $raw, int $now)
{
    at($now);
    $c = app($key, $cipher, 'array');
    [$out] = run($c, [$name => urldecode($raw)], fn ($req) => $req->cookies->get($name));
    return $out;
}

function payloadOf(string $raw): array
{
    return json_decode(base64_decode(urldecode($raw)), true);
}

function addCookie(string $cookie, string $name, string $key, string $cipher, $value, string $note, ?bool $expect, array $extra = []): void
{
    global $VECTORS;
    $seen = readCookie($key, $cipher, $name, $cookie, T0 + 60);
    $valid = $seen !== null;
    if ($valid && $seen !== $value) throw new Exception("$note: read " . var_export($seen, true));
    if ($expect !== null && $expect !== $valid) throw new Exception("$note: want valid=" . var_export($expect, true));
    $VECTORS[] = array_merge([
        'format' => 'laravel', 'kind' => 'cookie', 'name' => $name, 'cookie' => $cookie,
        'secret' => $key, 'cipher' => strtoupper($cipher), 'valid' => $valid, 'now' => T0 + 60,
        'values' => $value, 'note' => $note,
    ], $extra);
}

function tamperB64Field(string $raw, string $field): string
{
    $p = payloadOf($raw);
    $bytes = base64_decode($p[$field]);
    $bytes[0] = chr(ord($bytes[0]) ^ 1);
    $p[$field] = base64_encode($bytes);
    return urlencode(base64_encode(json_encode($p, JSON_UNESCAPED_SLASHES)));
}

if (!defined('LARAVEL_FIXTURES_AS_LIBRARY')) {
foreach (['AES-256-CBC', 'AES-256-GCM'] as $cipher) {
    $cookie = issueCookie($KEY, $cipher, 'prefs', 'dark-mode');
    $p = payloadOf($cookie);
    $aead = $cipher === 'AES-256-GCM';
    addCookie($cookie, 'prefs', $KEY, $cipher, 'dark-mode',
        "$cipher: a cookie queued by the app, encrypted by EncryptCookies: urlencode(base64(JSON {iv, value, mac, tag}))" .
        ($aead ? '; GCM: tag is base64 of 16 bytes, mac empty' : '; CBC: mac = hex HMAC-SHA256(key, iv_b64 . value_b64), tag empty'),
        true, ['payload' => $p, 'plaintext' => hash_hmac('sha1', 'prefsv2', base64_decode(substr($KEY, 7))) . '|dark-mode']);
    addCookie($cookie, 'prefs', $KEY2, $cipher, null, "$cipher; wrong APP_KEY", false);
    addCookie($cookie, 'theme', $KEY, $cipher, null,
        "$cipher; the 'prefs' cookie presented as 'theme': decrypts, but the plaintext's HMAC-SHA1 name prefix is for 'prefs', so the app sees null", false);
    addCookie(tamperB64Field($cookie, 'value'), 'prefs', $KEY, $cipher, null, "$cipher; ciphertext tampered", false);
    if ($aead) {
        addCookie(tamperB64Field($cookie, 'tag'), 'prefs', $KEY, $cipher, null, 'GCM; tag tampered', false);
    } else {
        $q = payloadOf($cookie);
        $q['mac'] = str_repeat('0', 64);
        addCookie(urlencode(base64_encode(json_encode($q, JSON_UNESCAPED_SLASHES))), 'prefs', $KEY, $cipher, null, 'CBC; mac replaced', false);
        addCookie(tamperB64Field($cookie, 'iv'), 'prefs', $KEY, $cipher, null, 'CBC; iv tampered (the mac covers the iv)', false);
    }
    $other = $aead ? 'AES-256-CBC' : 'AES-256-GCM';
    addCookie($cookie, 'prefs', $KEY, $other, null, "$cipher cookie read by an app configured for $other: refused", false);

    $uni = 'Zoë Ångström 東京 🍪 "<b>&';
    $cookie = issueCookie($KEY, $cipher, 'display_name', $uni);
    addCookie($cookie, 'display_name', $KEY, $cipher, $uni, "$cipher; unicode value", true);
    $json = json_encode(['cart' => [1, 2, 3], 'currency' => 'EUR']);
    $cookie = issueCookie($KEY, $cipher, 'cart', $json);
    addCookie($cookie, 'cart', $KEY, $cipher, $json, "$cipher; a JSON text as the value (EncryptCookies does not serialize: the value is the string)", true);
}

// A raw (not base64:) APP_KEY of 32 characters is used as the key bytes directly.
$RAW = 'abcdefghijklmnopqrstuvwxyz012345';
$cookie = issueCookie($RAW, 'AES-256-CBC', 'prefs', 'light');
addCookie($cookie, 'prefs', $RAW, 'AES-256-CBC', 'light', "APP_KEY without the base64: prefix: its 32 characters are the key", true);
}

// ------------------------------------------------------------ sessions

// issueSession puts $attrs in the session; returns [set cookies, session id, attributes as stored].
function issueSession(string $key, string $cipher, string $driver, array $attrs, int $lifetime = 120, bool $encrypt = false, array $flash = []): array
{
    at(T0);
    $c = app($key, $cipher, $driver, $lifetime, $encrypt);
    [$out, $set] = run($c, [], function ($req) use ($attrs, $flash) {
        foreach ($attrs as $k => $v) $req->session()->put($k, $v);
        foreach ($flash as $k => $v) $req->session()->flash($k, $v);
        return ['id' => $req->session()->getId(), 'all' => $req->session()->all()];
    });
    return [$set, $out['id'], $out['all']];
}

function readSession(string $key, string $cipher, string $driver, array $cookies, int $now, int $lifetime = 120, bool $encrypt = false): array
{
    at($now);
    $c = app($key, $cipher, $driver, $lifetime, $encrypt);
    [$out] = run($c, $cookies, fn ($req) => ['id' => $req->session()->getId(), 'all' => $req->session()->all()]);
    return $out;
}

function header_of(array $set, array $names): string
{
    return implode('; ', array_map(fn ($n) => "$n=" . $set[$n], $names));
}

if (!defined('LARAVEL_FIXTURES_AS_LIBRARY')) {
// Session id only (any server-side driver; "array" here): laravel_session holds the encrypted id.
foreach (['AES-256-CBC', 'AES-256-GCM'] as $cipher) {
    [$set, $id] = issueSession($KEY, $cipher, 'array', ['name' => 'Jay']);
    $cookie = $set['laravel_session'];
    foreach ([[$KEY, true, 'laravel_session with a server-side driver (file, database, redis; "array" here): the plaintext is the name prefix and the 40-character session id; the data is on the server'],
              [$KEY2, false, 'session id cookie; wrong APP_KEY']] as [$k, $expect, $note]) {
        $seen = readSession($k, $cipher, 'array', ['laravel_session' => urldecode($cookie)], T0 + 60);
        $valid = $seen['id'] === $id;
        if ($valid !== $expect) throw new Exception($note);
        $VECTORS[] = ['format' => 'laravel', 'kind' => 'session-id', 'name' => 'laravel_session', 'cookie' => $cookie,
            'secret' => $k, 'cipher' => $cipher, 'valid' => $valid, 'now' => T0 + 60, 'values' => null,
            'session_id' => $id, 'note' => "$cipher; $note"];
    }
}
}

// SESSION_DRIVER=cookie: the attributes travel PHP-serialised in a second cookie named after the id.
function addCookieSession(array $set, string $id, array $stored, string $key, string $cipher, int $now, string $note, bool $expect, array $extra = [], ?array $cookiesOverride = null): void
{
    global $VECTORS;
    $cookies = $cookiesOverride ?? ['laravel_session' => urldecode($set['laravel_session']), $id => urldecode($set[$id])];
    $seen = readSession($key, $cipher, 'cookie', $cookies, $now);
    $valid = $seen['id'] === $id && $seen['all'] === $stored;
    if ($valid !== $expect) throw new Exception("$note: valid=" . var_export($valid, true) . ' ' . json_encode($seen));
    $enc = new Encrypter(base64_decode(substr($key, 7)), $cipher);
    $VECTORS[] = array_merge([
        'format' => 'laravel', 'kind' => 'cookie-session', 'name' => 'laravel_session',
        'cookie' => $set['laravel_session'], 'cookies' => header_of($set, ['laravel_session', $id]),
        'data_cookie' => $id, 'secret' => $key, 'cipher' => $cipher, 'valid' => $valid, 'now' => $now,
        'session_id' => $id, 'values' => $stored, 'note' => $note,
    ], $extra);
}

if (!defined('LARAVEL_FIXTURES_AS_LIBRARY')) {
$attrs = [
    'name' => 'Jay', 'email' => 'kpatel@codingdojo.com', 'visits' => 3, 'admin' => false, 'verified' => true,
    'nickname' => null, 'score' => 3.14, 'ratio' => 1.0, 'tiny' => 1.0E-7, 'big' => PHP_INT_MAX, 'neg' => -42,
    'unicode' => 'Zoë 東京 🍪', 'quote' => "semi;colon \"quoted\" {brace}",
    'cart' => ['apple', 'pear'], 'sparse' => [5 => 'five', 9 => 'nine'],
    'nested' => ['a' => ['b' => ['c' => [1, 2, ['d' => true]]]]], 'empty' => [],
];
foreach (['AES-256-CBC', 'AES-256-GCM'] as $cipher) {
    [$set, $id] = issueSession($KEY, $cipher, 'cookie', $attrs);
    // What the app reads back: the attributes plus Laravel's own _token and _flash.
    $stored = readSession($KEY, $cipher, 'cookie', ['laravel_session' => urldecode($set['laravel_session']), $id => urldecode($set[$id])], T0 + 60)['all'];
    foreach ($attrs as $k => $v) {
        if (!array_key_exists($k, $stored) || $stored[$k] !== $v) throw new Exception("read back $k");
    }
    $dataPlain = json_decode(CookieValuePrefixRemove((new Encrypter(base64_decode(substr($KEY, 7)), $cipher))->decrypt(urldecode($set[$id]), false)), true);
    $extra = ['php_serialized' => $dataPlain['data'], 'expires' => $dataPlain['expires'],
        'data_plaintext_json' => CookieValuePrefixRemove((new Encrypter(base64_decode(substr($KEY, 7)), $cipher))->decrypt(urldecode($set[$id]), false))];
    addCookieSession($set, $id, $stored, $KEY, $cipher, T0 + 60,
        "$cipher; SESSION_DRIVER=cookie: laravel_session holds the id; the cookie named after the id holds JSON {data: serialize(attributes), expires: unix}; "
        . "attributes: strings, ints, PHP_INT_MAX, bools, null, floats (1.0 serialises as d:1;), a list, a sparse array (int keys), nested arrays, an empty array, plus Laravel's _token and _flash",
        true, $extra);
    addCookieSession($set, $id, $stored, $KEY, $cipher, T0 + 120 * 60,
        "$cipher; cookie session read at exactly expires: still accepted (Laravel refuses only when now > expires)", true, ['expires' => $dataPlain['expires']]);
    addCookieSession($set, $id, $stored, $KEY, $cipher, T0 + 120 * 60 + 1,
        "$cipher; cookie session read one second after expires (lifetime 120 min): the id is still good, but the data is dropped (an empty session)", false, ['expires' => $dataPlain['expires'], 'expired' => true]);
    addCookieSession($set, $id, $stored, $KEY2, $cipher, T0 + 60, "$cipher; cookie session; wrong APP_KEY", false);
    $tampered = tamperB64Field($set[$id], 'value');
    addCookieSession(array_merge($set, [$id => $tampered]), $id, $stored, $KEY, $cipher, T0 + 60, "$cipher; cookie session, data cookie tampered", false);
}

// Objects in the session: serialize() writes them as O:...; a safe reader must not instantiate them.
$obj = new stdClass();
$obj->role = 'admin';
[$set, $id, $stored] = issueSession($KEY, 'AES-256-CBC', 'cookie', ['name' => 'Jay', 'profile' => $obj]);
$plain = json_decode(CookieValuePrefixRemove((new Encrypter(base64_decode(substr($KEY, 7)), 'AES-256-CBC'))->decrypt(urldecode($set[$id]), false)), true);
at(T0 + 60);
$seen = readSession($KEY, 'AES-256-CBC', 'cookie', ['laravel_session' => urldecode($set['laravel_session']), $id => urldecode($set[$id])], T0 + 60);
if ($seen['id'] !== $id || ($seen['all']['profile']->role ?? null) !== 'admin') throw new Exception('object session');
$VECTORS[] = ['format' => 'laravel', 'kind' => 'cookie-session', 'name' => 'laravel_session', 'cookie' => $set['laravel_session'],
    'cookies' => header_of($set, ['laravel_session', $id]), 'data_cookie' => $id, 'secret' => $KEY, 'cipher' => 'AES-256-CBC',
    'valid' => true, 'now' => T0 + 60, 'session_id' => $id, 'values' => null, 'contains_object' => true,
    'php_serialized' => $plain['data'], 'expires' => $plain['expires'],
    'note' => "a stdClass object in the session (O:8:\"stdClass\":1:{...}): Laravel unserialize()s it into an object; a safe reader must report it, never instantiate it. values is null: JSON cannot say what it is"];
}

if (!defined('LARAVEL_FIXTURES_AS_LIBRARY')) {
// session.encrypt = true (SESSION_ENCRYPT): the serialized attributes are encrypted once more,
// with serialize on, before they go into the data cookie's "data".
[$set, $id] = issueSession($KEY, 'AES-256-CBC', 'cookie', ['name' => 'Jay', 'role' => 'admin'], 120, true);
$jar = ['laravel_session' => urldecode($set['laravel_session']), $id => urldecode($set[$id])];
$enc = new Encrypter(base64_decode(substr($KEY, 7)), 'AES-256-CBC');
$plain = json_decode(CookieValuePrefixRemove($enc->decrypt($jar[$id], false)), true);
$inner = $enc->decrypt($plain['data'], false); // still serialize()d once more: s:N:"a:...";
$seen = readSession($KEY, 'AES-256-CBC', 'cookie', $jar, T0 + 60, 120, true);
if ($seen['id'] !== $id || ($seen['all']['role'] ?? null) !== 'admin') throw new Exception('encrypted store');
$VECTORS[] = ['format' => 'laravel', 'kind' => 'cookie-session', 'name' => 'laravel_session', 'cookie' => $set['laravel_session'],
    'cookies' => header_of($set, ['laravel_session', $id]), 'data_cookie' => $id, 'secret' => $KEY, 'cipher' => 'AES-256-CBC',
    'valid' => true, 'now' => T0 + 60, 'session_id' => $id, 'values' => $seen['all'], 'session_encrypt' => true,
    'data_encrypted' => $plain['data'], 'php_serialized' => unserialize($inner), 'data_inner_plaintext' => $inner, 'expires' => $plain['expires'],
    'note' => "session.encrypt = true: the data cookie's data is itself an encrypted payload (same APP_KEY, no name prefix) whose plaintext is serialize(serialize(attributes)): unwrap the outer s:N:\"...\"; before reading the array"];
$seen = readSession($KEY, 'AES-256-CBC', 'cookie', $jar, T0 + 60, 120, false);
$VECTORS[] = ['format' => 'laravel', 'kind' => 'cookie-session', 'name' => 'laravel_session', 'cookie' => $set['laravel_session'],
    'cookies' => header_of($set, ['laravel_session', $id]), 'data_cookie' => $id, 'secret' => $KEY, 'cipher' => 'AES-256-CBC',
    'valid' => array_diff(array_keys($seen['all']), ['_token', '_flash']) !== [], 'now' => T0 + 60, 'session_id' => $id, 'values' => null, 'session_encrypt' => false,
    'note' => 'the same session.encrypt cookie read by an app with session.encrypt off: unserialize() of the encrypted text fails, the session comes up empty'];
if (end($VECTORS)['valid']) throw new Exception('encrypt off should not read');

// Flash data and PHP floats JSON cannot hold.
[$set, $id] = issueSession($KEY, 'AES-256-GCM', 'cookie', ['neg' => -2.5, 'negzero' => -0.0, 'inf' => INF, 'nan' => NAN, 'huge' => 1.0E+300], 120, false, ['status' => 'Profile saved']);
$jar = ['laravel_session' => urldecode($set['laravel_session']), $id => urldecode($set[$id])];
$enc = new Encrypter(base64_decode(substr($KEY, 7)), 'AES-256-GCM');
$plain = json_decode(CookieValuePrefixRemove($enc->decrypt($jar[$id], false)), true);
$seen = readSession($KEY, 'AES-256-GCM', 'cookie', $jar, T0 + 60);
if ($seen['id'] !== $id || !is_infinite($seen['all']['inf']) || !is_nan($seen['all']['nan']) || ($seen['all']['status'] ?? null) !== 'Profile saved') throw new Exception('floats/flash');
$VECTORS[] = ['format' => 'laravel', 'kind' => 'cookie-session', 'name' => 'laravel_session', 'cookie' => $set['laravel_session'],
    'cookies' => header_of($set, ['laravel_session', $id]), 'data_cookie' => $id, 'secret' => $KEY, 'cipher' => 'AES-256-GCM',
    'valid' => true, 'now' => T0 + 60, 'session_id' => $id, 'values' => null, 'php_serialized' => $plain['data'], 'expires' => $plain['expires'],
    'note' => "flash data (session()->flash('status', ...); saving ages it, so the cookie has _flash.old = ['status']) and floats: -2.5, -0.0 (d:-0;), INF (d:INF;), NAN (d:NAN;), 1.0E+300. values is null: JSON has no INF or NAN; php_serialized is the ground truth"];
}

function CookieValuePrefixRemove(string $v): string
{
    return substr($v, 41);
}

if (!defined('LARAVEL_FIXTURES_AS_LIBRARY')) {
echo json_encode($VECTORS, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION), "\n";
}
