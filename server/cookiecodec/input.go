package cookiecodec

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxInputLen caps the text ParseInput reads: a whole Cookie header, a
// Set-Cookie line or a bare value. Callers reading stdin should read at
// most MaxInputLen+1 bytes and refuse more.
const MaxInputLen = 64 << 10

// Attributes are the attributes of a Set-Cookie line.
type Attributes struct {
	Path   string `json:"path,omitempty"`
	Domain string `json:"domain,omitempty"`
	// MaxAge is the Max-Age attribute in seconds, nil when absent. Zero or
	// less deletes the cookie.
	MaxAge *int `json:"max_age,omitempty"`
	// Expires is the Expires attribute, nil when absent or unparsable.
	Expires     *time.Time `json:"expires,omitempty"`
	HTTPOnly    bool       `json:"http_only"`
	Secure      bool       `json:"secure"`
	SameSite    string     `json:"same_site,omitempty"` // Lax, Strict, None, or "" when absent
	Partitioned bool       `json:"partitioned,omitempty"`
}

// Input is a cookie value found in what a user gave: a bare value,
// name=value, a Cookie header or a Set-Cookie line.
type Input struct {
	// Name is the cookie's name, "" when the input was a bare value.
	Name string
	// Value is the cookie value, unquoted and URL-decoded.
	Value string
	// Form says what the input was: "value", "name=value", "Cookie
	// header" or "Set-Cookie".
	Form string
	// Attributes are set for a Set-Cookie line.
	Attributes *Attributes
	// Notes say what was done to the input (quotes removed, URL-decoded,
	// the other cookies of a header).
	Notes []string
	// Companions are the other cookies that came with this one (the rest
	// of a Cookie header, or the other Set-Cookie lines), by name and
	// URL-decoded: see Options.Companions.
	Companions map[string]string
}

// sessionCookieNames are the names frameworks give their session cookies,
// tried in order when no name is asked for and a header holds several.
func sessionCookieNames() []string {
	return []string{"session", "sessionid", "connect.sid", "laravel_session", "_session_id", "token", "jwt", "access_token", "id_token"}
}

// pickDefault picks the session cookie among names when none was asked
// for: a well-known session name, a Rails "_<app>_session", or the one
// cookie that is not a companion (a .sig cookie, a CSRF token).
func pickDefault(names []string) int {
	for _, want := range sessionCookieNames() {
		for i, n := range names {
			if n == want {
				return i
			}
		}
	}
	for i, n := range names {
		if strings.HasPrefix(n, "_") && strings.HasSuffix(n, "_session") {
			return i
		}
	}
	pick := -1
	for i, n := range names {
		if strings.HasSuffix(n, ExpressSigSuffix) || n == "XSRF-TOKEN" || n == "csrftoken" {
			continue
		}
		if pick >= 0 {
			return -1
		}
		pick = i
	}
	return pick
}

// companionsOf returns the cookies other than the picked one, URL-decoded.
func companionsOf(names, values []string, picked int) map[string]string {
	if len(names) < 2 {
		return nil
	}
	m := make(map[string]string, len(names)-1)
	for i, n := range names {
		if i == picked {
			continue
		}
		v := strings.Trim(values[i], `"`)
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		if _, dup := m[n]; !dup {
			m[n] = v
		}
	}
	return m
}

// setCookieAttrs are the attribute names that mark a Set-Cookie line.
func setCookieAttrs() []string {
	return []string{"path", "domain", "expires", "max-age", "httponly", "secure", "samesite", "partitioned", "priority"}
}

// ParseInput finds a cookie value in text. name picks a cookie from a
// Cookie header or from several header lines; "" means "session", or the
// only cookie there is.
func ParseInput(text, name string) (Input, error) {
	if len(text) > MaxInputLen {
		return Input{}, fmt.Errorf("cookiecodec: the input is over %d bytes; refusing it", MaxInputLen)
	}
	var lines []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	switch {
	case len(lines) == 0:
		return Input{}, errors.New("cookiecodec: the input is empty")
	case len(lines) == 1:
		return parseLine(lines[0], name)
	}
	// Several lines, as from curl -i or -v: use the header lines.
	var found []Input
	for _, l := range lines {
		l = strings.TrimLeft(l, "<> ")
		lower := strings.ToLower(l)
		if !strings.HasPrefix(lower, "set-cookie:") && !strings.HasPrefix(lower, "cookie:") {
			continue
		}
		in, err := parseLine(l, name)
		if err != nil {
			continue
		}
		found = append(found, in)
	}
	names := make([]string, len(found))
	values := make([]string, len(found))
	for i, in := range found {
		names[i], values[i] = in.Name, in.Value
	}
	pick := -1
	for i, in := range found {
		if in.Name == wantName(name) {
			pick = i
			break
		}
	}
	if pick < 0 && name == "" {
		pick = pickDefault(names)
	}
	if pick >= 0 {
		in := found[pick]
		if c := companionsOf(names, values, pick); c != nil {
			in.Companions = c
		}
		return in, nil
	}
	if len(found) == 0 {
		return Input{}, fmt.Errorf("cookiecodec: %d lines of input, and none is a Cookie or Set-Cookie header", len(lines))
	}
	return Input{}, fmt.Errorf("cookiecodec: no cookie named %q among %s; pick one with --name", wantName(name), cookieNames(found))
}

func wantName(name string) string {
	if name == "" {
		return "session"
	}
	return name
}

func cookieNames(ins []Input) string {
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = fmt.Sprintf("%q", in.Name)
	}
	return strings.Join(names, ", ")
}

// parseLine reads one line of input.
func parseLine(line, name string) (Input, error) {
	lower := strings.ToLower(line)
	switch {
	case strings.HasPrefix(lower, "set-cookie:"):
		return ParseSetCookie(strings.TrimSpace(line[len("set-cookie:"):]))
	case strings.HasPrefix(lower, "cookie:"):
		return parseCookieHeader(strings.TrimSpace(line[len("cookie:"):]), name)
	}
	n, v, ok := splitNameValue(line)
	if !ok {
		return cleanValue(Input{Value: line, Form: "value"})
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		for attr := range strings.SplitSeq(v[i+1:], ";") {
			attr, _, _ = strings.Cut(strings.TrimSpace(attr), "=")
			for _, a := range setCookieAttrs() {
				if strings.EqualFold(attr, a) {
					return ParseSetCookie(line)
				}
			}
		}
		return parseCookieHeader(line, name)
	}
	return cleanValue(Input{Name: n, Value: v, Form: "name=value"})
}

// splitNameValue splits name=value, telling it from a bare base64 value
// that ends in '=' padding.
func splitNameValue(s string) (name, value string, ok bool) {
	i := strings.IndexByte(s, '=')
	if i <= 0 || strings.Trim(s[i+1:], "=") == "" {
		return "", "", false
	}
	name = strings.TrimSpace(s[:i])
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", r) {
			return "", "", false
		}
	}
	return name, strings.TrimSpace(s[i+1:]), true
}

// parseCookieHeader picks a cookie from the value of a Cookie header.
func parseCookieHeader(header, name string) (Input, error) {
	cookies, err := http.ParseCookie(header)
	if err != nil {
		return Input{}, fmt.Errorf("cookiecodec: Cookie header: %w", err)
	}
	pick := -1
	quoted := make([]string, 0, len(cookies))
	names := make([]string, len(cookies))
	values := make([]string, len(cookies))
	for i, c := range cookies {
		quoted = append(quoted, fmt.Sprintf("%q", c.Name))
		names[i], values[i] = c.Name, c.Value
		if c.Name == wantName(name) && pick < 0 {
			pick = i
		}
	}
	if pick < 0 && name == "" {
		pick = pickDefault(names)
	}
	if pick < 0 {
		return Input{}, fmt.Errorf("cookiecodec: no cookie named %q in the Cookie header, which has %s; pick one with --name", wantName(name), strings.Join(quoted, ", "))
	}
	in := Input{Name: names[pick], Value: values[pick], Form: "Cookie header", Companions: companionsOf(names, values, pick)}
	if len(cookies) > 1 {
		in.Notes = append(in.Notes, fmt.Sprintf("picked %q from the %d cookies of the header", names[pick], len(cookies)))
	}
	return cleanValue(in)
}

// ParseSetCookie reads a Set-Cookie header value (without "Set-Cookie:").
func ParseSetCookie(line string) (Input, error) {
	c, err := http.ParseSetCookie(line)
	if err != nil {
		return Input{}, fmt.Errorf("cookiecodec: Set-Cookie: %w", err)
	}
	a := &Attributes{Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure, Partitioned: c.Partitioned}
	switch {
	case c.MaxAge > 0:
		a.MaxAge = &c.MaxAge
	case c.MaxAge < 0:
		zero := 0
		a.MaxAge = &zero
	}
	if !c.Expires.IsZero() {
		t := c.Expires.UTC()
		a.Expires = &t
	}
	switch c.SameSite {
	case http.SameSiteLaxMode:
		a.SameSite = "Lax"
	case http.SameSiteStrictMode:
		a.SameSite = "Strict"
	case http.SameSiteNoneMode:
		a.SameSite = "None"
	case http.SameSiteDefaultMode:
		a.SameSite = "invalid"
	}
	return cleanValue(Input{Name: c.Name, Value: c.Value, Form: "Set-Cookie", Attributes: a})
}

// cleanValue removes quotes and URL-encoding from in.Value.
func cleanValue(in Input) (Input, error) {
	v := strings.TrimSpace(in.Value)
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = v[1 : len(v)-1]
		in.Notes = append(in.Notes, "removed the quotes around the value")
	}
	if strings.Contains(v, "%") {
		u, err := url.PathUnescape(v)
		if err != nil {
			return Input{}, fmt.Errorf("cookiecodec: the value has a '%%' but is not URL-encoded: %w", err)
		}
		v = u
		in.Notes = append(in.Notes, "URL-decoded the value")
	}
	if v == "" {
		if in.Attributes != nil {
			return in, nil // a deleting Set-Cookie; the caller reports it
		}
		return Input{}, errors.New("cookiecodec: the cookie value is empty")
	}
	in.Value = v
	return in, nil
}

// Deletes reports whether the Set-Cookie deletes the cookie rather than
// setting it.
func (a *Attributes) Deletes(now time.Time) bool {
	return a.MaxAge != nil && *a.MaxAge <= 0 || a.MaxAge == nil && a.Expires != nil && a.Expires.Before(now)
}

// Warnings lists the problems and pitfalls of a Set-Cookie with these
// attributes, for a cookie called name.
func (a *Attributes) Warnings(name string, now time.Time) []string {
	var w []string
	if a.SameSite == "None" && !a.Secure {
		w = append(w, "SameSite=None without Secure: browsers reject this cookie")
	}
	if a.SameSite == "invalid" {
		w = append(w, "SameSite has an unknown value: browsers treat it as absent")
	}
	if a.SameSite == "" {
		w = append(w, "no SameSite: Chromium treats it as Lax, Firefox and Safari send it on cross-site requests")
	}
	if !a.HTTPOnly {
		w = append(w, "no HttpOnly: scripts in the page can read this session cookie (document.cookie)")
	}
	if !a.Secure {
		w = append(w, "no Secure: the cookie also travels over plain http")
	}
	if a.Domain != "" {
		w = append(w, fmt.Sprintf("Domain=%s: the cookie is sent to every subdomain too", a.Domain))
	}
	if strings.HasPrefix(name, "__Secure-") && !a.Secure {
		w = append(w, "a __Secure- cookie without Secure: browsers reject it")
	}
	if strings.HasPrefix(name, "__Host-") && (!a.Secure || a.Path != "/" || a.Domain != "") {
		w = append(w, "a __Host- cookie needs Secure, Path=/ and no Domain: browsers reject it")
	}
	if a.Deletes(now) {
		w = append(w, "this Set-Cookie deletes the cookie (Max-Age=0 or Expires in the past); a copy kept elsewhere still decodes, since nothing is revoked")
	}
	return w
}
