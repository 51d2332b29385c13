package server

import (
	"strings"
	"testing"
)

func TestBrowserFamily(t *testing.T) {
	for _, tc := range []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/132.0 Mobile/15E148 Safari/605.1.15", "Firefox"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Headless Chrome"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge"},
		{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0", "Edge"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari"},
		{"curl/8.11.0", "curl"},
		{"Wget/1.25.0", "Wget"},
		{"python-requests/2.32.3", "Python"},
		{"Go-http-client/1.1", "Go"},
		{"HTTPie/3.2.4", "HTTPie"},
		{"formtest-tutor", "formtest-tutor"},
		{"", "unknown"},
		{"   ", "unknown"},
		{"\x1b[31mred\x1b[0m/1.0", "31mred0m"},
		{"<script>alert(1)</script>", "scriptalert1"},
		{strings.Repeat("A", 4096), strings.Repeat("A", 24)},
	} {
		if got := BrowserFamily(tc.ua); got != tc.want {
			t.Errorf("BrowserFamily(%.60q) = %q, want %q", tc.ua, got, tc.want)
		}
	}
}

func FuzzBrowserFamily(f *testing.F) {
	f.Add("Mozilla/5.0 Firefox/1")
	f.Add("\x00\xff/")
	f.Fuzz(func(t *testing.T, ua string) {
		got := BrowserFamily(ua)
		if got == "" || len(got) > 24 {
			t.Fatalf("BrowserFamily(%q) = %q", ua, got)
		}
		for _, r := range got {
			if !(r == ' ' || r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				t.Fatalf("BrowserFamily(%q) = %q holds %q", ua, got, r)
			}
		}
	})
}
