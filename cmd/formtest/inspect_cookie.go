package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/spf13/cobra"
)

// inspectOptions holds what inspect-cookie was asked to do.
type inspectOptions struct {
	Arg       string   // the cookie argument; "" or "-" reads stdin
	Keys      keyFlags // --secret, --secret-file, FORMTEST_SECRET
	BlockKeys []string // --block-key
	Encrypted bool     // --encrypted: derive block keys from the secrets, as serve --encrypt does
	Name      string   // --name
	NameSet   bool     // whether --name was given
	Salt      string
	Format    string
	MaxAge    time.Duration
	MaxAgeSet bool // whether --max-age was given; 0 then disables the check
	JSON      bool
	URL       string
	Wordlist  string
	// WordlistFormat is --wordlist-format: auto, plain, python or base64.
	WordlistFormat string
	Now            string // --now, RFC 3339; "" is the current time
	NoColor        bool   // no colour asked for (see noColor)

	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTTY reports whether Out is a terminal, ErrIsTTY whether ErrOut
	// is, InIsTTY whether In is.
	IsTTY    func() bool
	ErrIsTTY func() bool
	InIsTTY  func() bool
	// HTTPClient fetches --url; nil means a client that follows no
	// redirects and gives up after 10 seconds.
	HTTPClient *http.Client
}

func newInspectCookieCmd(runF func(*inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect-cookie [COOKIE | -]",
		Short: "Decode, verify and explain a session cookie of any common framework",
		Long: `Decode a session cookie layer by layer: its parts, when it was issued, the
payload, the values, and whether the signature checks out. It reads
gorilla/sessions (what formtest serve sends), Flask, Django (signed_cookies,
and database session ids), Express (cookie-session with its .sig cookie,
and express-session), Rails 5.2+ (signed and encrypted), Laravel
(EncryptCookies, and the SESSION_DRIVER=cookie data cookie) and JWTs.

A signed cookie is readable by anyone who holds it: the values show without
any key. A key (--secret) is needed only to check the signature, and an
encrypted gorilla payload needs its block key (--block-key) to be read.
Rails and Laravel encrypt their cookies: give secret_key_base, or APP_KEY
as written in .env (base64:...), with --secret to read them.

COOKIE may be a bare value, name=value, a whole "Cookie: ..." header (the
cookie is picked by --name, or else the one with a well-known session
name; the other cookies it holds are used where a format needs them: an
Express "<name>.sig" signature, a Laravel data cookie) or a
"Set-Cookie: ..." line, whose attributes are checked too; quoted and URL-encoded values are accepted. Without
COOKIE, or with "-", it is read from stdin (curl -si output works too).
--url fetches a page, following no redirect, and inspects every
Set-Cookie it returns.

With no key, the cookie is tried against a list of well-known keys (the
lesson's, those of tutorials and framework docs, "secret", "changeme"...):
if one verifies, anyone can forge this session. --wordlist tries more keys,
one a line, on all cores, reading the file as a stream: any size, and a
FIFO or a pipe such as <(zcat list.gz) works too; "-" reads stdin. A progress line shows on
a terminal; Ctrl-C stops the search, saying how far it got (exit 130, or
143 on SIGTERM). --wordlist-format says how a line is read:
  auto    (default) "hex:..." and "base64:..." as below; a Python string
          literal ('key', "key", b'\x00...', as Flask-Unsign-Wordlist
          writes them) as the string it stands for; a line that looks
          like padded base64 (CookieMonster's lists) both as written and
          decoded, so a plain key that happens to look like base64 is
          still found; anything else as written
  plain   every line as written, byte for byte
  python  every line a Python literal; other lines are skipped
  base64  every line base64 (padded or not, either alphabet); other
          lines are skipped
Empty lines and lines over 4096 bytes are skipped; at the end the command
says how many lines it skipped and why. When a Flask key is not found,
it prints the line and command to go on with hashcat (-m 29100) on a GPU.

Keys may be written "hex:..." or "base64:..." for binary keys. The format
is detected from the value's shape; --format forces it.

Exit status: 0 the cookie decoded (and verified, if a key was given or
found); 1 the signature is invalid, the cookie is unsigned (a JWT with alg
"none") or expired; 2 the input is unusable, or the command was misused;
130 or 143 a --wordlist search was stopped by Ctrl-C (SIGINT) or SIGTERM.`,
		Example: `  formtest inspect-cookie 'eyJuYW1lIjoiSmF5In0.awcxVA.is-cjB4Eof45qhUbv7p5055l_Co'
  formtest inspect-cookie --secret ThisIsSecret "session=MTc5NTYzMzgyN3xEWDhF..."
  curl -si -d name=Jay -d email=j@x.org http://127.0.0.1:5000/users | formtest inspect-cookie
  formtest inspect-cookie --url http://127.0.0.1:5000/ --json
  formtest inspect-cookie --wordlist rockyou.txt "$COOKIE"
  formtest inspect-cookie --secret "hex:$HASH_KEY" --block-key "hex:$BLOCK_KEY" --name formtest "$COOKIE"
  formtest inspect-cookie --secret 'django-insecure-...' 'sessionid=eyJ1c2VyIjoiYWRhIn0:1t0xyz:...'
  formtest inspect-cookie --secret 'keyboard cat' 'Cookie: session=eyJ1c2VyIjoiYWRhIn0=; session.sig=...'
  formtest inspect-cookie --secret "$APP_KEY" --name laravel_session "$COOKIE"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("inspect-cookie takes one cookie, got %d arguments (quote a Cookie header)\nRun '%s --help' for usage.", len(args), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Arg = args[0]
			}
			opts.NameSet = cmd.Flags().Changed("name")
			opts.MaxAgeSet = cmd.Flags().Changed("max-age")
			opts.Keys.readEnv(os.Getenv)
			opts.NoColor = noColor(os.Getenv)
			opts.In = cmd.InOrStdin()
			opts.Out = cmd.OutOrStdout()
			opts.ErrOut = cmd.ErrOrStderr()
			in, out, errOut := opts.In, opts.Out, opts.ErrOut
			opts.IsTTY = func() bool { return fileIsTerminal(out) }
			opts.InIsTTY = func() bool { return fileIsTerminal(in) }
			opts.ErrIsTTY = func() bool { return fileIsTerminal(errOut) }
			if runF != nil {
				return runF(opts)
			}
			return runInspectCookie(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	opts.Keys.register(f, "key to verify with (repeatable, for key rotation; hex:... or base64:... for binary keys; default $FORMTEST_SECRET)")
	f.StringArrayVar(&opts.BlockKeys, "block-key", nil, "gorilla AES block key (16, 24 or 32 bytes) to decrypt with (repeatable)")
	f.BoolVar(&opts.Encrypted, "encrypted", false, "decrypt with the block key formtest serve --encrypt derives from each --secret")
	f.StringVar(&opts.Name, "name", "session", "cookie name: signed into gorilla MACs, and picks the cookie from a Cookie header")
	f.StringVar(&opts.Salt, "salt", cookiecodec.DefaultSalt, "Flask signing salt (for Django, the default means "+cookiecodec.DjangoSalt+")")
	f.StringVar(&opts.Format, "format", "auto", "cookie format: "+strings.Join(cookiecodec.FormatNames(), ", "))
	f.DurationVar(&opts.MaxAge, "max-age", 0, "oldest a cookie may be, as a Go duration (0 disables the check; default 720h for gorilla, 744h for Flask, 336h for Django; none for the others)")
	f.BoolVar(&opts.JSON, "json", false, "print one JSON object (an array with --url)")
	f.StringVar(&opts.URL, "url", "", "fetch `URL` (no redirects) and inspect each Set-Cookie it returns")
	f.StringVar(&opts.Wordlist, "wordlist", "", "when no key is given, search this `FILE` of keys, one a line, for the key (\"-\" is stdin)")
	f.StringVar(&opts.WordlistFormat, "wordlist-format", "auto", "how --wordlist lines are read: auto, plain, python or base64 (see above)")
	f.StringVar(&opts.Now, "now", "", "check the age as of this `TIME` (RFC 3339) instead of now")
	return cmd
}

// inspection is one inspected cookie.
type inspection struct {
	res     *cookiecodec.Result
	err     error
	notes   []string
	weakKey string // the well-known or wordlist key that verified, if any
	found   string // "built-in list" or the wordlist's path
}

// runInspectCookie inspects the cookie opts describe and returns an
// exitError carrying inspect-cookie's exit status.
func runInspectCookie(ctx context.Context, opts *inspectOptions) error {
	dopts, err := decodeOptions(opts)
	if err != nil {
		return err
	}
	if opts.URL != "" && opts.Arg != "" {
		return usageErrorf("give either a cookie or --url, not both")
	}
	if opts.Wordlist != "" && len(dopts.Secrets) > 0 {
		return usageErrorf("--wordlist searches for an unknown key; it cannot go with --secret or FORMTEST_SECRET")
	}
	if opts.Wordlist == "-" && opts.URL == "" && (opts.Arg == "" || opts.Arg == "-") {
		return usageErrorf("--wordlist - reads the keys from stdin: give the cookie as an argument")
	}

	var ins []cookiecodec.Input
	if opts.URL != "" {
		if ins, err = fetchSetCookies(ctx, opts); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	} else {
		text := opts.Arg
		if text == "" || text == "-" {
			if opts.InIsTTY != nil && opts.InIsTTY() {
				fmt.Fprintln(opts.ErrOut, "Paste a cookie, a Cookie header or a Set-Cookie line, then press Ctrl-D.")
			}
			b, err := io.ReadAll(io.LimitReader(opts.In, cookiecodec.MaxInputLen+1))
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("read stdin: %w", err)}
			}
			if len(b) > cookiecodec.MaxInputLen {
				return usageErrorf("stdin holds over %d bytes: no cookie is that long; refusing it", cookiecodec.MaxInputLen)
			}
			text = string(b)
		}
		name := ""
		if opts.NameSet {
			name = opts.Name
		}
		in, err := cookiecodec.ParseInput(text, name)
		if err != nil {
			return &exitError{code: exitUsage, err: errors.New(cookiecodec.EscapeText(err.Error()))}
		}
		ins = append(ins, in)
	}

	results := make([]inspection, 0, len(ins))
	for _, in := range ins {
		insp, err := inspectOne(ctx, opts, dopts, in)
		if err != nil {
			return err
		}
		results = append(results, insp)
	}

	if opts.JSON {
		if err := printJSON(opts, results); err != nil {
			return err
		}
	} else {
		printHuman(opts, results)
	}

	code := exitOK
	for _, r := range results {
		code = max(code, exitCode(r))
	}
	if code == exitUsage && !opts.JSON && len(results) == 1 {
		// The error was not part of the explanation: say it on stderr.
		return &exitError{code: code, err: errors.New(cookiecodec.EscapeText(results[0].err.Error()))}
	}
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// exitCode is the exit status one inspection calls for.
func exitCode(r inspection) int {
	switch {
	case r.res != nil && (r.res.Signature == cookiecodec.Invalid || r.res.Signature == cookiecodec.Unsigned || r.res.Expired):
		return exitFail
	case r.err != nil:
		return exitUsage
	}
	return exitOK
}

// decodeOptions turns the flags into cookiecodec options.
func decodeOptions(opts *inspectOptions) (cookiecodec.Options, error) {
	var d cookiecodec.Options
	format, err := cookiecodec.ParseFormat(opts.Format)
	if err != nil {
		return d, usageErrorf("--format: %q is not one of %s", opts.Format, strings.Join(cookiecodec.FormatNames(), ", "))
	}
	d.Format = format
	d.Name, d.Salt = opts.Name, opts.Salt
	secrets, _, err := opts.Keys.raw()
	if err != nil {
		return d, err
	}
	for _, s := range secrets {
		k, err := cookiecodec.ParseKey(s)
		if err != nil {
			return d, usageErrorf("--secret: %v", err)
		}
		d.Secrets = append(d.Secrets, k)
	}
	for _, s := range opts.BlockKeys {
		k, err := cookiecodec.ParseKey(s)
		if err != nil {
			return d, usageErrorf("--block-key: %v", err)
		}
		if n := len(k); n != 16 && n != 24 && n != 32 {
			return d, usageErrorf("--block-key: an AES key is 16, 24 or 32 bytes, not %d (write binary keys as hex:... or base64:...)", n)
		}
		d.BlockKeys = append(d.BlockKeys, k)
	}
	if opts.Encrypted {
		if len(d.Secrets) == 0 {
			return d, usageErrorf("--encrypted derives the block key from the secret: give it with --secret or FORMTEST_SECRET")
		}
		for _, k := range d.Secrets {
			b, err := cookiecodec.DeriveBlockKey(k)
			if err != nil {
				return d, usageErrorf("--encrypted: %v", err)
			}
			d.BlockKeys = append(d.BlockKeys, b)
		}
	}
	switch {
	case opts.MaxAge < 0:
		return d, usageErrorf("--max-age: %v is negative; 0 disables the check", opts.MaxAge)
	case opts.MaxAgeSet && opts.MaxAge == 0:
		d.MaxAge = -1
	default:
		d.MaxAge = opts.MaxAge
	}
	if opts.Now != "" {
		if d.Now, err = time.Parse(time.RFC3339, opts.Now); err != nil {
			return d, usageErrorf("--now: want an RFC 3339 time like 2026-01-02T15:04:05Z: %v", err)
		}
	}
	if d.Now.IsZero() {
		d.Now = time.Now()
	}
	return d, nil
}

// inspectOne decodes one cookie, looks for a weak key when none was
// given, and adds the Set-Cookie attributes' warnings.
func inspectOne(ctx context.Context, opts *inspectOptions, d cookiecodec.Options, in cookiecodec.Input) (inspection, error) {
	if !opts.NameSet && in.Name != "" {
		d.Name = in.Name
	}
	d.Companions = in.Companions
	insp := inspection{notes: in.Notes}
	if in.Form != "value" {
		insp.notes = append([]string{"read from " + in.Form}, insp.notes...)
	}
	if in.Value == "" {
		// A Set-Cookie that deletes the cookie carries no value.
		insp.res = &cookiecodec.Result{Name: in.Name, Signature: cookiecodec.Unchecked, KeyIndex: -1, Now: d.Now,
			Reason: "no value: nothing to verify", Attributes: in.Attributes}
		insp.res.Warnings = in.Attributes.Warnings(in.Name, d.Now)
		return insp, nil
	}
	insp.res, insp.err = cookiecodec.Decode(in.Value, d)
	unsigned := false
	if insp.res != nil {
		// A bare id or an alg "none" token has no signature to find a key for.
		d.Format = insp.res.Format
		_, err := cookiecodec.NewVerifier(in.Value, d)
		unsigned = errors.Is(err, cookiecodec.ErrNoSignature)
	}
	if insp.res != nil && len(d.Secrets) == 0 && !unsigned {
		d.Format = insp.res.Format
		key, source, err := findKey(ctx, opts, d, in.Value)
		if err != nil {
			return insp, err
		}
		if key != nil {
			d.Secrets = [][]byte{key}
			insp.res, insp.err = cookiecodec.Decode(in.Value, d)
			insp.weakKey, insp.found = keyText(key), source
			if insp.res != nil {
				insp.res.WellKnownKey, insp.res.WellKnownFrom = insp.weakKey, source
				insp.res.Warnings = append([]string{fmt.Sprintf("SIGNED WITH A WELL-KNOWN KEY %q (from the %s): anyone can forge this session", cookiecodec.EscapeText(insp.weakKey), source)}, insp.res.Warnings...)
			}
		} else if insp.res != nil && insp.res.Reason != "" && insp.res.Signature == cookiecodec.Unchecked && !insp.res.Encrypted {
			tried := "no key given, and none of the built-in well-known keys verifies it"
			if opts.Wordlist != "" {
				tried = "no key given, and neither the built-in well-known keys nor the wordlist verify it"
			}
			insp.res.Reason = tried + ": the signature was not checked"
		}
	}
	if insp.res != nil && in.Attributes != nil {
		insp.res.Attributes = in.Attributes
		insp.res.Warnings = append(insp.res.Warnings, in.Attributes.Warnings(insp.res.Name, d.Now)...)
	}
	return insp, nil
}

// keyText writes a found key as --secret takes it: as itself when it is
// printable text, else as hex:..., so that it can be pasted back.
func keyText(k []byte) string {
	if utf8.Valid(k) && !strings.ContainsFunc(string(k), func(r rune) bool { return !unicode.IsPrint(r) }) {
		return string(k)
	}
	return "hex:" + hex.EncodeToString(k)
}

// findKey tries the built-in weak keys, then the wordlist, if any.
func findKey(ctx context.Context, opts *inspectOptions, d cookiecodec.Options, value string) ([]byte, string, error) {
	checker, err := cookiecodec.NewKeyChecker(value, d)
	if err != nil {
		return nil, "", nil // not a cookie whose key can be searched for
	}
	if k, list, ok := cookiecodec.FindWeakKeyWith(ctx, checker); ok {
		return k, "built-in list of well-known keys (" + list + ")", nil
	}
	if opts.Wordlist == "" {
		return nil, "", nil
	}
	var hashcat *cookiecodec.HashcatTarget
	if d.Format == cookiecodec.Flask {
		h := cookiecodec.HashcatFlask(value, d.Salt)
		hashcat = &h
	}
	key, err := searchWordlist(ctx, opts, checker, hashcat)
	if key == nil || err != nil {
		return nil, "", err
	}
	return key, "wordlist " + opts.Wordlist, nil
}

// fetchSetCookies GETs opts.URL, following no redirect, and returns the
// cookies of its Set-Cookie headers.
func fetchSetCookies(ctx context.Context, opts *inspectOptions) ([]cookiecodec.Input, error) {
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opts.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("--url: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("--url: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	lines := resp.Header.Values("Set-Cookie")
	if len(lines) == 0 {
		return nil, fmt.Errorf("--url: %s answered %s with no Set-Cookie header", opts.URL, resp.Status)
	}
	ins := make([]cookiecodec.Input, 0, len(lines))
	for _, l := range lines {
		in, err := cookiecodec.ParseSetCookie(l)
		if err != nil {
			return nil, fmt.Errorf("--url: %s", cookiecodec.EscapeText(err.Error()))
		}
		in.Notes = append(in.Notes, fmt.Sprintf("from %s (%s)", opts.URL, resp.Status))
		ins = append(ins, in)
	}
	return withCompanions(ins), nil
}

// withCompanions hands each cookie the others set with it (an Express
// "<name>.sig", a Laravel data cookie), and drops a .sig cookie whose
// session cookie is there: it is explained with that cookie.
func withCompanions(ins []cookiecodec.Input) []cookiecodec.Input {
	if len(ins) < 2 {
		return ins
	}
	names := make(map[string]bool, len(ins))
	for _, in := range ins {
		names[in.Name] = true
	}
	out := make([]cookiecodec.Input, 0, len(ins))
	for i, in := range ins {
		if base, ok := strings.CutSuffix(in.Name, cookiecodec.ExpressSigSuffix); ok && names[base] {
			continue
		}
		in.Companions = make(map[string]string, len(ins)-1)
		for j, other := range ins {
			if j != i {
				in.Companions[other.Name] = other.Value
			}
		}
		out = append(out, in)
	}
	return out
}

// printJSON prints one Report, or with --url an array of them.
func printJSON(opts *inspectOptions, results []inspection) error {
	reports := make([]cookiecodec.Report, len(results))
	for i, r := range results {
		reports[i] = cookiecodec.NewReport(r.res, r.err)
		if r.weakKey != "" {
			reports[i].WeakKey = &r.weakKey
		}
	}
	enc := json.NewEncoder(opts.Out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	var v any = reports[0]
	if opts.URL != "" {
		v = reports
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// inspectStyles are the looks of the human output on a terminal.
type inspectStyles struct {
	title, good, caution, bad lipgloss.Style
}

func newInspectStyles() inspectStyles {
	return inspectStyles{
		title:   lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("4")),
		good:    lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("2")),
		caution: lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("3")),
		bad:     lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("1")),
	}
}

// printHuman prints the explanation of each cookie, styled on a terminal
// unless NO_COLOR is set.
func printHuman(opts *inspectOptions, results []inspection) {
	styled := opts.IsTTY != nil && opts.IsTTY() && !opts.NoColor
	st := newInspectStyles()
	var b strings.Builder
	for i, r := range results {
		if len(results) > 1 {
			if i > 0 {
				b.WriteString("\n")
			}
			head := fmt.Sprintf("── Set-Cookie %d of %d ──", i+1, len(results))
			if styled {
				head = st.title.Render(head)
			}
			b.WriteString(head + "\n")
		}
		err := r.err
		if len(results) == 1 && exitCode(r) == exitUsage {
			err = nil // printed on stderr instead
		}
		sections := cookiecodec.Explain(r.res, err)
		if len(r.notes) > 0 {
			notes := make([]string, len(r.notes))
			for j, n := range r.notes {
				notes[j] = cookiecodec.EscapeText(n)
			}
			sections = append([]cookiecodec.Section{{Title: "input", Lines: notes}}, sections...)
		}
		for j, s := range sections {
			if j > 0 {
				b.WriteString("\n")
			}
			title := s.Title
			if styled {
				switch s.Tone {
				case cookiecodec.Good:
					title = st.good.Render(title)
				case cookiecodec.Caution:
					title = st.caution.Render(title)
				case cookiecodec.Bad:
					title = st.bad.Render(title)
				default:
					title = st.title.Render(title)
				}
			}
			b.WriteString(title + "\n")
			for _, l := range s.Lines {
				if styled && s.Tone != cookiecodec.Neutral && s.Tone != cookiecodec.Caution {
					l = lineStyle(st, s.Tone).Render(l)
				}
				b.WriteString("  " + l + "\n")
			}
		}
	}
	io.WriteString(opts.Out, b.String())
}

func lineStyle(st inspectStyles, t cookiecodec.Tone) lipgloss.Style {
	if t == cookiecodec.Good {
		return st.good
	}
	return st.bad
}
