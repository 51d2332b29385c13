<?php
// Check Laravel cookies (say, made by `formtest sign-cookie`) with the real
// illuminate middleware (Debian's 8.83): EncryptCookies, AddQueuedCookiesToResponse
// and StartSession, wired as in gen-laravel.php.
//
//   php verify-laravel.php cookies.json [more.json ...]   # '-' reads stdin
//
// Input: a JSON list of objects with `format` "laravel" (others are left to
// the other verify-* scripts), `name`, `cookie` and/or `cookies` (a Cookie
// header), `secret` (APP_KEY, "base64:..." or raw), `values`, and optionally
// `valid` (default true; false means Laravel must refuse it), `now` (unix
// time), `cipher` (default AES-256-CBC, Laravel's default), `session_encrypt`
// (config session.encrypt, default false) and `kind`:
//   cookie          any cookie through EncryptCookies; the app must see `values` (a string)
//   session-id      laravel_session with a server-side driver; the id must decrypt
//                   (and equal `session_id` when given)
//   cookie-session  SESSION_DRIVER=cookie: `cookies` carries laravel_session and the
//                   data cookie; the session must equal `values` (Laravel's own _token
//                   and _flash are ignored when `values` has none)
// Without `kind`: cookie-session when `cookies` is given, session-id for
// laravel_session, cookie otherwise. One line per cookie; exit 1 if any check
// fails or nothing was checked.

define('LARAVEL_FIXTURES_AS_LIBRARY', true);
require __DIR__ . '/gen-laravel.php';

function check(array $e): array
{
    $cipher = $e['cipher'] ?? 'AES-256-CBC';
    $now = $e['now'] ?? time();
    $kind = $e['kind'] ?? (isset($e['cookies']) ? 'cookie-session' : ($e['name'] === 'laravel_session' ? 'session-id' : 'cookie'));
    $jar = isset($e['cookies']) ? parseCookieHeader($e['cookies']) : [];
    $own = $e['cookie'] ?? null;
    if ($own === null) {
        $own = rawurlencode($jar[$e['name']] ?? throw new Exception("no {$e['name']} in cookies"));
    }
    switch ($kind) {
        case 'cookie':
            $seen = readCookie($e['secret'], $cipher, $e['name'], $own, $now);
            return [$seen !== null, $seen];
        case 'session-id':
            if (isset($e['session_id'])) {
                // A refused cookie gives a fresh random id; an accepted one keeps its own.
                $seen = readSession($e['secret'], $cipher, 'array', ['laravel_session' => urldecode($own)], $now);
                return [$seen['id'] === $e['session_id'], null];
            }
            return [readSessionIdAccepted($e['secret'], $cipher, $own, $now), null];
        case 'cookie-session':
            if (!$jar) $jar = ['laravel_session' => urldecode($own)];
            $seen = readSession($e['secret'], $cipher, 'cookie', $jar, $now, 120, (bool) ($e['session_encrypt'] ?? false));
            $all = $seen['all'];
            // A refused or expired data cookie leaves only what Laravel adds to any new session.
            $ok = array_diff(array_keys($all), ['_token', '_flash']) !== [];
            $values = $e['values'] ?? [];
            foreach (['_token', '_flash'] as $k) {
                if (!array_key_exists($k, $values)) unset($all[$k]);
            }
            return [$ok, $all];
    }
    throw new Exception("unknown kind $kind");
}

// readSessionIdAccepted: does EncryptCookies hand StartSession this cookie's id?
function readSessionIdAccepted(string $key, string $cipher, string $raw, int $now): bool
{
    $seen = readCookie($key, $cipher, 'laravel_session', $raw, $now);
    return is_string($seen) && strlen($seen) === 40;
}

// same compares as JSON does (so 1.0 and 1 agree, as they do once written to JSON).
function same($a, $b): bool
{
    $norm = function ($v) use (&$norm) {
        if (is_array($v)) {
            $out = [];
            foreach ($v as $k => $x) $out[$k] = $norm($x);
            if (!array_is_list($out)) ksort($out);
            return $out;
        }
        return is_float($v) && floor($v) == $v && abs($v) < 1e15 ? (int) $v : $v;
    };
    return json_encode($norm($a)) === json_encode($norm($b));
}

if ($argc < 2) {
    fwrite(STDERR, "usage: verify-laravel.php FILE.json [FILE.json ...]  ('-' for stdin)\n");
    exit(2);
}
$passed = $failed = 0;
foreach (array_slice($argv, 1) as $file) {
    $entries = json_decode(file_get_contents($file === '-' ? 'php://stdin' : $file), true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
    foreach ($entries as $i => $e) {
        if (($e['format'] ?? null) !== 'laravel') continue;
        $want = array_key_exists('valid', $e) ? $e['valid'] : true;
        $label = basename($file) . "[$i] laravel " . ($e['kind'] ?? 'auto') . ' ' . ($e['name'] ?? '');
        if ($want === null) {
            echo "skip $label: nothing to verify\n";
            continue;
        }
        $problem = null;
        try {
            [$ok, $seen] = check($e);
            if ($ok !== $want) {
                $problem = 'Laravel ' . ($ok ? 'accepted' : 'refused') . ' it, expected ' . ($want ? 'accepted' : 'refused');
            } elseif ($ok && ($e['values'] ?? null) !== null && !same($seen, $e['values'])) {
                $problem = 'Laravel read ' . json_encode($seen, JSON_UNESCAPED_UNICODE) . ', expected ' . json_encode($e['values'], JSON_UNESCAPED_UNICODE);
            }
        } catch (Throwable $err) {
            $problem = 'error: ' . get_class($err) . ': ' . $err->getMessage();
        }
        if ($problem !== null) {
            $failed++;
            echo "FAIL $label: $problem\n";
        } else {
            $passed++;
            echo "ok   $label: " . ($want ? 'accepted, values match' : 'refused, as expected') . "\n";
        }
    }
}
echo "$passed passed, $failed failed\n";
if ($passed + $failed === 0) {
    fwrite(STDERR, "nothing checked: no laravel cookies in the input\n");
    exit(1);
}
exit($failed ? 1 : 0);
