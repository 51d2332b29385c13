package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/spf13/cobra"
)

// signOptions holds what sign-cookie was asked to make.
type signOptions struct {
	Values     []string // name=value arguments
	JSON       string   // --json: the values as one JSON object
	Keys       keyFlags // --secret, --secret-file, FORMTEST_SECRET
	Format     string
	Name       string // --name; "" is the format's usual name
	Salt       string
	Encrypt    bool // --encrypt: gorilla with formtest's derived block key; Rails encrypted
	EncryptSet bool // whether --encrypt was given (Rails encrypts unless --encrypt=false)
	BlockKey   string
	Alg        string
	Rails7     bool
	Lifetime   time.Duration
	Header     bool // --header: print a whole "Cookie:" line
	Now        string

	Out    io.Writer
	ErrOut io.Writer
	// ErrIsTTY reports whether ErrOut is a terminal: the note about what
	// was made goes there only then, so scripts get the value alone.
	ErrIsTTY func() bool
}

func newSignCookieCmd(runF func(*signOptions) error) *cobra.Command {
	opts := &signOptions{}
	cmd := &cobra.Command{
		Use:   "sign-cookie [NAME=VALUE]...",
		Short: "Make a session cookie from values, with a key you know",
		Long: `Make a session cookie the way a framework does, from values and the key:
whoever knows a server's key can write any session it will accept. That is
the whole reason the key must be secret.

Values are NAME=VALUE arguments (strings), or --json with one JSON object
(numbers, booleans, lists). The key is --secret (or FORMTEST_SECRET); it is
required, since typing the key you know is the lesson.

Formats (--format): gorilla (the default: what formtest serve accepts;
--encrypt encrypts with the block key serve --encrypt derives, --block-key
with your own), flask (--salt), django, express (cookie-session: prints the
cookie and its .sig companion), jwt (--alg HS256, HS384, HS512), rails
(encrypted like its session, or signed with --encrypt=false; --rails7 for
Rails 7's key derivation) and laravel (a SESSION_DRIVER=cookie session:
laravel_session and its data cookie; the key is APP_KEY as in .env,
base64:...).

It prints the bare value, so it fits curl:
  curl -b "session=$(formtest sign-cookie --secret ThisIsSecret name=admin email=a@b.c)" http://127.0.0.1:5000/show
For formats that need two cookies it prints "a=...; b=...", which curl -b
takes as it is; --header prints a ready "Cookie: ..." line.

Exit status: 0 made; 2 the command was misused (no key, bad values).`,
		Example: `  formtest sign-cookie --secret ThisIsSecret name=admin email=a@b.c
  formtest sign-cookie --format flask --secret dev --json '{"user_id": 1, "admin": true}'
  formtest sign-cookie --format django --secret 'django-insecure-...' name=admin
  formtest sign-cookie --format express --secret 'keyboard cat' --header user=admin
  formtest sign-cookie --format jwt --alg HS512 --secret secret --lifetime 1h sub=admin`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Values = args
			opts.EncryptSet = cmd.Flags().Changed("encrypt")
			opts.Keys.readEnv(os.Getenv)
			opts.Out = cmd.OutOrStdout()
			opts.ErrOut = cmd.ErrOrStderr()
			errOut := opts.ErrOut
			opts.ErrIsTTY = func() bool { return fileIsTerminal(errOut) }
			if runF != nil {
				return runF(opts)
			}
			return runSignCookie(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	opts.Keys.register(f, "the key to sign with (hex:... or base64:... for binary keys; default $FORMTEST_SECRET)")
	f.StringVar(&opts.Format, "format", string(cookiecodec.Gorilla), "cookie format: gorilla, flask, django, express, jwt, rails or laravel")
	f.StringVar(&opts.Name, "name", "", "cookie name (default: the framework's, session for gorilla, Flask and Express); gorilla, Express, Rails and Laravel sign it in")
	f.StringVar(&opts.JSON, "json", "", "the values as one JSON `OBJECT`")
	f.StringVar(&opts.Salt, "salt", "", "Flask or Django signing salt (default: the framework's)")
	f.BoolVar(&opts.Encrypt, "encrypt", false, "gorilla: encrypt with the block key serve --encrypt derives from the secret; rails: encrypted (the default) or --encrypt=false for signed")
	f.StringVar(&opts.BlockKey, "block-key", "", "gorilla: encrypt with this AES `KEY` (16, 24 or 32 bytes; hex:... or base64:...)")
	f.StringVar(&opts.Alg, "alg", "HS256", "JWT algorithm: HS256, HS384 or HS512")
	f.BoolVar(&opts.Rails7, "rails7", false, "rails: derive the key with PBKDF2-HMAC-SHA256, as Rails 7 does (default: SHA1, as 5.2-6.1)")
	f.DurationVar(&opts.Lifetime, "lifetime", 0, "expiry stated inside the cookie, as a Go duration: JWT exp, Rails exp, Laravel expires (Laravel: default 2h; others: none)")
	f.BoolVar(&opts.Header, "header", false, `print a whole "Cookie: ..." line`)
	f.StringVar(&opts.Now, "now", "", "issue time (RFC 3339) instead of now; gorilla's library always uses the clock")
	return cmd
}

// runSignCookie makes the cookie opts describe and prints it.
func runSignCookie(_ context.Context, opts *signOptions) error {
	format, err := cookiecodec.ParseFormat(opts.Format)
	if err != nil || format == cookiecodec.Auto {
		return usageErrorf("--format: %q: want gorilla, flask, django, express, jwt, rails or laravel", opts.Format)
	}
	raw, _, err := opts.Keys.raw()
	if err != nil {
		return err
	}
	if len(raw) == 0 {
		return usageErrorf("sign-cookie needs the key to sign with: give it with --secret KEY (or FORMTEST_SECRET).\nA cookie can only be made by someone who knows the server's key: that is the lesson.")
	}
	key, err := cookiecodec.ParseKey(raw[0])
	if err != nil {
		return usageErrorf("--secret: %v", err)
	}
	values, err := signValues(opts)
	if err != nil {
		return err
	}
	so := cookiecodec.SignOptions{Format: format, Name: opts.Name, Secret: key, Salt: opts.Salt, Alg: strings.ToUpper(opts.Alg),
		Rails7: opts.Rails7, Lifetime: opts.Lifetime}
	if opts.Lifetime < 0 {
		return usageErrorf("--lifetime: %v is negative", opts.Lifetime)
	}
	if opts.Now != "" {
		if so.Now, err = time.Parse(time.RFC3339, opts.Now); err != nil {
			return usageErrorf("--now: want an RFC 3339 time like 2026-01-02T15:04:05Z: %v", err)
		}
	}
	switch format {
	case cookiecodec.Gorilla:
		if opts.BlockKey != "" && opts.Encrypt {
			return usageErrorf("give --encrypt (the derived block key) or --block-key, not both")
		}
		if opts.BlockKey != "" {
			if so.BlockKey, err = cookiecodec.ParseKey(opts.BlockKey); err != nil {
				return usageErrorf("--block-key: %v", err)
			}
			if n := len(so.BlockKey); n != 16 && n != 24 && n != 32 {
				return usageErrorf("--block-key: an AES key is 16, 24 or 32 bytes, not %d (write binary keys as hex:... or base64:...)", n)
			}
		}
		if opts.Encrypt {
			if so.BlockKey, err = cookiecodec.DeriveBlockKey(key); err != nil {
				return usageErrorf("--encrypt: %v", err)
			}
		}
	case cookiecodec.Rails:
		so.Encrypted = !opts.EncryptSet || opts.Encrypt
	default:
		if opts.Encrypt || opts.BlockKey != "" {
			return usageErrorf("--encrypt and --block-key are for gorilla and rails; %s cookies are signed", format)
		}
	}
	if opts.Salt != "" && format != cookiecodec.Flask && format != cookiecodec.Django {
		return usageErrorf("--salt is for flask and django cookies")
	}
	cookies, err := cookiecodec.Sign(values, so)
	if err != nil {
		return usageErrorf("%v", err)
	}
	var line string
	if len(cookies) == 1 && !opts.Header {
		line = cookies[0].Value
	} else {
		pairs := make([]string, len(cookies))
		for i, c := range cookies {
			pairs[i] = c.Name + "=" + c.Value
		}
		line = strings.Join(pairs, "; ")
		if opts.Header {
			line = "Cookie: " + line
		}
	}
	if _, err := fmt.Fprintln(opts.Out, line); err != nil {
		return fmt.Errorf("write the cookie: %w", err)
	}
	if opts.ErrIsTTY != nil && opts.ErrIsTTY() {
		names := make([]string, len(cookies))
		for i, c := range cookies {
			names[i] = c.Name
		}
		fmt.Fprintf(opts.ErrOut, "made a %s cookie (%s) with the key you gave: a server holding that key takes it as its own.\n", format.Title(), strings.Join(names, " + "))
	}
	return nil
}

// signValues reads the values from --json and the NAME=VALUE arguments
// (which win over --json's).
func signValues(opts *signOptions) (map[string]any, error) {
	values := map[string]any{}
	if opts.JSON != "" {
		d := json.NewDecoder(bytes.NewReader([]byte(opts.JSON)))
		d.UseNumber()
		if err := d.Decode(&values); err != nil {
			return nil, usageErrorf("--json: want one JSON object: %v", err)
		}
		if d.More() {
			return nil, usageErrorf("--json: extra data after the object")
		}
	}
	for _, a := range opts.Values {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, usageErrorf("%q is not NAME=VALUE", a)
		}
		values[k] = v
	}
	if len(values) == 0 {
		return nil, usageErrorf("no values: give NAME=VALUE arguments or --json '{...}'")
	}
	return values, nil
}
