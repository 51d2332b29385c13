package cookiecodec_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/gorilla/securecookie"
)

// wordlistCookie is a Flask cookie from testdata/wordlists/cookies.json,
// signed by the real Flask with a key that the wordlist holds as line.
type wordlistCookie struct {
	Note     string `json:"note"`
	Cookie   string `json:"cookie"`
	KeyHex   string `json:"key_hex"`
	Wordlist string `json:"wordlist"`
	Line     string `json:"line"`
}

func TestSearchKeysFieldWordlists(t *testing.T) {
	b, err := os.ReadFile("testdata/wordlists/cookies.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []wordlistCookie
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	// The format a list is written in, and what must find nothing in it.
	listFormat := map[string]cookiecodec.WordlistFormat{
		"flask-unsign-style.txt":   cookiecodec.WordlistPython,
		"cookiemonster-style.txt":  cookiecodec.WordlistBase64,
		"plain-base64-looking.txt": cookiecodec.WordlistPlain,
	}
	for _, tc := range cases {
		for _, f := range []cookiecodec.WordlistFormat{cookiecodec.WordlistAuto, listFormat[tc.Wordlist], cookiecodec.WordlistPlain} {
			t.Run(tc.Note+"/"+string(f), func(t *testing.T) {
				words, err := os.Open(filepath.Join("testdata/wordlists", tc.Wordlist))
				if err != nil {
					t.Fatal(err)
				}
				defer words.Close()
				res, err := search(t, tc.Cookie, cookiecodec.Options{}, words, cookiecodec.SearchOptions{Format: f})
				if err != nil {
					t.Fatal(err)
				}
				want, _ := hex.DecodeString(tc.KeyHex)
				// A plain read finds only a key written as itself.
				if f == cookiecodec.WordlistPlain && string(want) != tc.Line {
					want = nil
				}
				if string(res.Key) != string(want) {
					t.Errorf("found %q, want %q (line %s)", res.Key, want, tc.Line)
				}
				if res.Key != nil && res.Stats.Lines < res.Line {
					t.Errorf("found on line %d, but only %d lines read", res.Line, res.Stats.Lines)
				}
			})
		}
	}
}

func TestSearchKeysGorillaLiteral(t *testing.T) {
	// A cookie made by the real securecookie, its key written in a list as
	// a Python bytes literal.
	key := []byte("\x00\x01gorilla\xfe\xff key")
	sc := securecookie.New(key, nil)
	cookie, err := sc.Encode("session", map[string]any{"user": "admin"})
	if err != nil {
		t.Fatal(err)
	}
	list := "'gorilla'\nb'\\x00\\x01gorilla\\xfe\\xff key'\n'other'\n"
	res, err := search(t, cookie, cookiecodec.Options{}, strings.NewReader(list), cookiecodec.SearchOptions{})
	if err != nil || string(res.Key) != string(key) || res.Line != 2 {
		t.Errorf("SearchKeys = %q on line %d, %v; want the key on line 2", res.Key, res.Line, err)
	}
}

func TestSearchKeysSkipped(t *testing.T) {
	list := strings.Join([]string{
		"'ok'", "", "'unterminated", "b'caf\u00e9'", strings.Repeat("x", cookiecodec.MaxKeyLine+1), "plainkey",
		"'\\N{BULLET}'", "\"\\ud800\"", "", "r'raw\\n'",
	}, "\n") + "\n" + strings.Repeat("y", 300<<10) + "\n'last'"
	tests := []struct {
		format                    cookiecodec.WordlistFormat
		keys                      int64
		empty, long, literal, b64 int64
	}{
		// auto: bad literals are tried as written.
		{cookiecodec.WordlistAuto, 9, 2, 2, 0, 0},
		{cookiecodec.WordlistPlain, 8, 2, 2, 0, 0},
		{cookiecodec.WordlistPython, 3, 2, 2, 5, 0},
		{cookiecodec.WordlistBase64, 1, 2, 2, 0, 7},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			res, err := search(t, lessonFlask, cookiecodec.Options{}, strings.NewReader(list), cookiecodec.SearchOptions{Format: tt.format, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Stats
			if s.Lines != 12 || s.Keys != tt.keys || s.Empty != tt.empty || s.TooLong != tt.long || s.BadLiteral != tt.literal || s.BadBase64 != tt.b64 ||
				s.Skipped() != tt.empty+tt.long+tt.literal+tt.b64 || s.Bytes != int64(len(list)) {
				t.Errorf("stats %+v\nwant 12 lines, %d keys, %d empty, %d too long, %d bad literals, %d bad base64, %d bytes",
					s, tt.keys, tt.empty, tt.long, tt.literal, tt.b64, len(list))
			}
		})
	}
}

// zeros reads as an endless run of NUL bytes, as /dev/zero does.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestSearchKeysEndlessLine(t *testing.T) {
	res, err := search(t, lessonFlask, cookiecodec.Options{}, zeros{}, cookiecodec.SearchOptions{})
	var e *cookiecodec.LineTooLongError
	if !errors.As(err, &e) || e.Line != 1 || res.Stats.Bytes < 16<<20 || res.Stats.Bytes > 17<<20 {
		t.Errorf("SearchKeys on endless zeros: %v after %d bytes, want a LineTooLongError for line 1 after 16 MiB", err, res.Stats.Bytes)
	}
}

// endless reads as an endless list of short keys "guess-<i>", none of
// them the one; or as limit of them, when limit is set.
type endless struct{ n, limit int }

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n+24 < len(p) {
		if e.limit > 0 && e.n == e.limit {
			if n == 0 {
				return 0, io.EOF
			}
			break
		}
		b := strconv.AppendInt(append(p[n:n], "guess-"...), int64(e.n), 10)
		n += len(b)
		p[n] = '\n'
		n++
		e.n++
	}
	return n, nil
}

// newLines reads as n lines "guess-<i>", made as they are read.
func newLines(n int) io.Reader { return &endless{limit: n} }

func TestSearchKeysStops(t *testing.T) {
	r, w, err := os.Pipe() // nobody writes: a read blocks
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	for _, tc := range []struct {
		name  string
		words io.Reader
	}{
		{"endless list", &endless{}},
		{"endless empty lines", strings.NewReader(strings.Repeat("\n", 64<<20))},
		{"blocked pipe", r},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			stopped := errors.New("stopped by the test")
			time.AfterFunc(50*time.Millisecond, func() { cancel(stopped) })
			c, err := cookiecodec.NewKeyChecker(lessonFlask, cookiecodec.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := cookiecodec.SearchKeys(ctx, c, tc.words, cookiecodec.SearchOptions{})
			if err != stopped {
				t.Errorf("SearchKeys = %v after %+v, want the context's cause", err, res.Stats)
			}
		})
	}
}

func TestKeyCheckerConcurrent(t *testing.T) {
	// Check is safe for concurrent use (run with -race).
	c, err := cookiecodec.NewKeyChecker(lessonGorilla, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for i := range 4 {
		go func() {
			ok := true
			for j := range 200 {
				if c.Check([]byte("ThisIsSecret")) != true || c.Check([]byte("wrong-"+strconv.Itoa(i*1000+j))) {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("a concurrent Check gave a wrong answer")
		}
	}
	if c.Cost().SlowByDesign || c.Cost().Work == "" {
		t.Errorf("gorilla Cost = %+v", c.Cost())
	}
	if r := cookiecodec.MeasureRate(context.Background(), c, 2, 20*time.Millisecond); r <= 0 {
		t.Errorf("MeasureRate = %v", r)
	}
}

// cpuTime is the CPU time the process has used so far. Benchmarks report
// keys per CPU-second beside keys per second: on a loaded machine the
// wall-clock rate drops with the time the scheduler gives to others, the
// CPU rate much less.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkKeyChecker(b *testing.B) {
	for _, bc := range []struct{ name, cookie string }{{"flask", unicodeFlask}, {"gorilla", lessonGorilla}} {
		c, err := cookiecodec.NewKeyChecker(bc.cookie, cookiecodec.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			key := []byte("guess-000000")
			cpu := cpuTime(b)
			for i := 0; b.Loop(); i++ {
				key = strconv.AppendInt(key[:6], int64(i), 10)
				c.Check(key)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
			b.ReportMetric(float64(b.N)/(cpuTime(b)-cpu).Seconds(), "keys/cpu-s")
		})
	}
}

// BenchmarkSearchKeys streams a made-up list of 1M keys through the search
// on all cores (-cpu 1 for one), as a file would be: allocations stay the
// same whatever the list's length (see BenchmarkSearchKeysMemory).
func BenchmarkSearchKeys(b *testing.B) {
	for _, bc := range []struct{ name, cookie string }{{"flask", unicodeFlask}, {"gorilla", lessonGorilla}} {
		for _, f := range []cookiecodec.WordlistFormat{cookiecodec.WordlistPlain, cookiecodec.WordlistAuto} {
			b.Run(bc.name+"/"+string(f), func(b *testing.B) {
				b.ReportAllocs()
				var total int64
				cpu := cpuTime(b)
				for b.Loop() {
					res, err := search(b, bc.cookie, cookiecodec.Options{}, newLines(1_000_000), cookiecodec.SearchOptions{Format: f})
					if err != nil || res.Key != nil {
						b.Fatal(res.Key, err)
					}
					total += res.Stats.Keys
				}
				b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "keys/s")
				b.ReportMetric(float64(total)/(cpuTime(b)-cpu).Seconds(), "keys/cpu-s")
			})
		}
	}
}

// BenchmarkSearchKeysMemory searches lists of growing length: B/op and
// allocs/op stay flat, so a 10 GB list runs in the same memory as a small one.
func BenchmarkSearchKeysMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000, 10_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := search(b, lessonGorilla, cookiecodec.Options{}, newLines(n), cookiecodec.SearchOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestKeyCheckerLongKeys(t *testing.T) {
	// HMAC hashes a key longer than the hash's block first: a key of 100
	// bytes, with Flask (made by Flask 3.1.3: app.secret_key = "L" * 100)
	// and with gorilla (made by securecookie here).
	long := strings.Repeat("L", 100)
	sc := securecookie.New([]byte(long), nil)
	gorilla, err := sc.Encode("session", map[string]any{"a": 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, cookie := range []string{"eyJhIjoxfQ.aw8ryg.OVlk5Lm9ZXK6t9GIJDf4_Se68EQ", gorilla} {
		c, err := cookiecodec.NewKeyChecker(cookie, cookiecodec.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Check([]byte(long)) || c.Check([]byte(long[:99])) || c.Check([]byte(long+"L")) {
			t.Errorf("%s: a 100-byte key is not checked right", cookie)
		}
	}
}
