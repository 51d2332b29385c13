package server

import "strings"

// BrowserFamily names the browser or program that sent a User-Agent: Firefox,
// Chrome, Safari, Edge, Opera, Samsung Internet, curl, Wget and a few more;
// for anything else the User-Agent's first product name, or "unknown". The
// result is always short (at most 24 bytes) and holds only letters, digits,
// spaces and ". _ -", so it is safe to print even though the User-Agent is
// whatever the client chose to send.
//
// It reads the tokens browsers really send, most specific first: Edge,
// Opera and Samsung Internet also name Chrome and Safari, and Chrome names
// Safari; the iOS browsers, all Safari underneath, carry their own token
// (CriOS, FxiOS, EdgiOS, OPiOS).
func BrowserFamily(ua string) string {
	for _, f := range browserTokens() {
		for _, tok := range f.tokens {
			if strings.Contains(ua, tok) {
				return f.name
			}
		}
	}
	name, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	name, _, _ = strings.Cut(name, " ")
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return -1
	}, name)
	if len(name) > 24 {
		name = name[:24]
	}
	if name == "" {
		return "unknown"
	}
	return name
}

// browserFamily is a family and the User-Agent tokens that identify it.
type browserFamily struct {
	name   string
	tokens []string
}

// browserTokens returns the families BrowserFamily knows, in the order it
// tries them.
func browserTokens() []browserFamily {
	return []browserFamily{
		{"curl", []string{"curl/"}},
		{"Wget", []string{"Wget/"}},
		{"HTTPie", []string{"HTTPie/"}},
		{"Python", []string{"python-requests/", "python-urllib", "Python-urllib/", "python-httpx/", "aiohttp/"}},
		{"Go", []string{"Go-http-client/"}},
		{"Postman", []string{"PostmanRuntime/"}},
		{"Edge", []string{"Edg/", "EdgA/", "EdgiOS/", "Edge/"}},
		{"Opera", []string{"OPR/", "OPiOS/", "Opera"}},
		{"Samsung Internet", []string{"SamsungBrowser/"}},
		{"Firefox", []string{"Firefox/", "FxiOS/"}},
		{"Headless Chrome", []string{"HeadlessChrome/"}},
		{"Chrome", []string{"CriOS/", "Chrome/", "Chromium/"}},
		{"Safari", []string{"Safari/"}},
	}
}
