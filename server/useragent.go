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
	if f := knownFamily(ua); f != "" {
		return f
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

// knownFamily returns the family of a User-Agent that carries a token
// BrowserFamily knows, trying them in order, or "".
func knownFamily(ua string) string {
	has := func(tokens ...string) bool {
		for _, t := range tokens {
			if strings.Contains(ua, t) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.HasPrefix(ua, "curl/"):
		return "curl"
	case strings.HasPrefix(ua, "Wget/"):
		return "Wget"
	case strings.HasPrefix(ua, "HTTPie/"):
		return "HTTPie"
	case has("python-requests/", "Python-urllib/", "python-httpx/", "aiohttp/"):
		return "Python"
	case strings.HasPrefix(ua, "Go-http-client/"):
		return "Go"
	case strings.HasPrefix(ua, "PostmanRuntime/"):
		return "Postman"
	case has("Edg/", "EdgA/", "EdgiOS/", "Edge/"):
		return "Edge"
	case has("OPR/", "OPiOS/", "Opera"):
		return "Opera"
	case has("SamsungBrowser/"):
		return "Samsung Internet"
	case has("Firefox/", "FxiOS/"):
		return "Firefox"
	case has("HeadlessChrome/"):
		return "Headless Chrome"
	case has("CriOS/", "Chrome/", "Chromium/"):
		return "Chrome"
	case has("Safari/"):
		return "Safari"
	}
	return ""
}
