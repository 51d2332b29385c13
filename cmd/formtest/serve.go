package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/sessionstore"
	"github.com/spf13/cobra"
)

// minKeyBytes is the shortest key serve accepts off loopback: an
// HMAC-SHA256 key should be at least as long as the hash.
const minKeyBytes = 32

// makeKeyHint says how to make a key serve accepts anywhere.
const makeKeyHint = "make one with\n  openssl rand -hex 32   (then pass it as \"hex:<output>\")"

// serveOptions holds what serve was asked to do.
type serveOptions struct {
	Addr    string
	Stage   string
	Keys    keyFlags
	Quiet   bool
	Encrypt bool   // --encrypt: encrypt cookie sessions too
	Store   string // --store: cookie, sqlite:PATH or redis://HOST:PORT/DB

	Out    io.Writer
	ErrOut io.Writer
	// ready, when set, is called with the server's URL once it listens.
	ready func(url string)
}

func newServeCmd(runF func(*serveOptions) error) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the lesson's form_test app and log every exchange",
		Long: `Run the form_test app of the sessions lesson: a form at /, POST /users,
and the user page at /show, on gorilla/sessions cookies.

Every exchange is logged to stderr: the request line, the status, each raw
Set-Cookie header, the session decoded from it, and why an incoming cookie
was rejected. --stage picks how much of the lesson the app has reached:

  hardcoded  /show shows fixed values; POST /users keeps nothing
  session    POST /users stores the form in the session; /show reads it
  template   as session, but the template reads the session itself
  grow       as template, and each post adds its note to a list in the
             session, until the session no longer fits in a cookie

Sessions live in the cookie, signed (the lesson's way), unless --store puts
them in a database (sqlite:PATH, created on first use, or a Redis URL that
several serve instances can share); the cookie then carries only a signed
random id. SQLite flushes every commit to disk; sqlite:PATH?sync=normal
flushes only at checkpoints (faster; a power cut may lose the last
commits). --encrypt encrypts cookie sessions with an AES-256 key derived
from the secret, so the browser carries values it cannot read.

On a loopback address the lesson's own key ("ThisIsSecret") is the default.
It is public, so anywhere else serve needs a random key of at least 32
bytes, from --secret, --secret-file or FORMTEST_SECRET: it refuses the
well-known keys inspect-cookie tries, and keys of visibly low entropy (few
different characters, a repeated pattern, runs such as abcd). Keys may be
written as "hex:..." or "base64:..." for binary keys.`,
		Example: `  formtest serve
  formtest serve --stage hardcoded --addr 127.0.0.1:8080
  formtest serve --addr :5000 --secret "hex:$(openssl rand -hex 32)"
  formtest serve --secret "$NEW_KEY" --secret "$OLD_KEY"   # rotate: new signs, both verify
  formtest serve --encrypt
  formtest serve --store sqlite:sessions.db
  formtest serve --store 'sqlite:sessions.db?sync=normal'
  formtest serve --store redis://127.0.0.1:6379/0`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out = cmd.OutOrStdout()
			opts.ErrOut = cmd.ErrOrStderr()
			opts.Keys.readEnv(os.Getenv)
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:5000", "address to listen on; port 0 picks a free one")
	f.StringVar(&opts.Stage, "stage", string(server.StageTemplate), "lesson stage: hardcoded, session, template or grow")
	opts.Keys.register(f, "session key (repeatable: the first signs, all verify)")
	f.BoolVar(&opts.Quiet, "quiet", false, "do not log exchanges")
	f.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt cookie sessions (AES-256, key derived from the secret)")
	f.StringVar(&opts.Store, "store", "cookie", "where sessions live: cookie, sqlite:`PATH`[?sync=normal] or redis://HOST:PORT/DB")
	return cmd
}

// runServe runs the form server until ctx is done.
func runServe(ctx context.Context, opts *serveOptions) error {
	stage, err := server.ParseStage(opts.Stage)
	if err != nil {
		return usageErrorf("--stage: %w", err)
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return usageErrorf("--addr %q: want host:port, such as 127.0.0.1:5000: %w", opts.Addr, err)
	}
	loopback := isLoopback(host)
	keys, source, err := serveKeys(opts.Keys, loopback)
	if err != nil {
		return err
	}
	storage, backend, err := openStore(ctx, opts)
	if err != nil {
		return err
	}
	if backend != nil {
		defer backend.Close()
	}
	logger := slog.New(slog.NewTextHandler(opts.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := server.New(server.Config{Keys: keys, Stage: stage, Storage: storage, Backend: backend, Logger: logger})
	if err != nil {
		return err
	}

	bg, err := startServer(srv, opts.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.ErrOut, "formtest serve: listening on %s (stage %s)\n", bg.url, stage)
	fmt.Fprintf(opts.ErrOut, "formtest serve: %s\n", describeKeys(keys, source))
	fmt.Fprintf(opts.ErrOut, "formtest serve: %s\n", describeStore(storage, backend, opts.Store))
	if !opts.Quiet {
		sub := srv.Subscribe(256)
		logged := make(chan struct{})
		go func() {
			defer close(logged)
			logExchanges(opts.ErrOut, sub)
		}()
		// Runs after the shutdown below, so every exchange is logged.
		defer func() {
			sub.Close()
			<-logged
		}()
	}
	if opts.ready != nil {
		opts.ready(bg.url)
	}
	select {
	case err := <-bg.served:
		return fmt.Errorf("serve %s: %w", bg.url, err)
	case <-ctx.Done():
	}
	fmt.Fprintln(opts.ErrOut, "formtest serve: shutting down")
	err = bg.shutdown(ctx, 10*time.Second)
	if backend != nil {
		if f := srv.StoreFailures(); f != (server.StoreFailures{}) {
			fmt.Fprintf(opts.ErrOut, "formtest serve: session store: %d request(s) answered 503 (temporary failure), %d answered 500 (permanent failure); %d ended by their client before the store answered (not failures)\n",
				f.Temporary, f.Permanent, f.Canceled)
		}
	}
	return err
}

// background is a form server serving in a goroutine of its own.
type background struct {
	url    string
	hs     *http.Server
	served chan error // receives Serve's result once it returns
}

// startServer listens on addr and serves srv in the background.
func startServer(srv *server.Server, addr string) (*background, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError(addr, err)
	}
	bg := &background{url: "http://" + ln.Addr().String(), hs: srv.HTTPServer(addr), served: make(chan error, 1)}
	go func() { bg.served <- bg.hs.Serve(ln) }()
	return bg, nil
}

// shutdown stops the server gracefully: it waits up to grace for requests
// in flight, even when ctx is already done.
func (bg *background) shutdown(ctx context.Context, grace time.Duration) error {
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := bg.hs.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shut down %s: %w", bg.url, err)
	}
	return nil
}

// openStore returns where sessions will live, and the database for
// server-side sessions (nil for cookie sessions).
func openStore(ctx context.Context, opts *serveOptions) (server.Storage, sessionstore.Backend, error) {
	spec := strings.TrimSpace(opts.Store)
	if spec == "" || spec == "cookie" {
		if opts.Encrypt {
			return server.StorageEncrypted, nil, nil
		}
		return server.StorageSigned, nil, nil
	}
	if err := sessionstore.CheckSpec(spec); err != nil {
		return "", nil, usageErrorf("--store: %v (or cookie, the default: the session in the cookie)", err)
	}
	if opts.Encrypt {
		return "", nil, usageErrorf("--encrypt applies to cookie sessions; with --store %s the cookie carries only a random id and the values stay in the database", sessionstore.Redact(spec))
	}
	b, err := sessionstore.Open(ctx, spec)
	if err != nil {
		return "", nil, fmt.Errorf("--store %s: %w", sessionstore.Redact(spec), err)
	}
	return server.StorageServer, b, nil
}

// describeStore says where sessions live, for the start-up message.
func describeStore(st server.Storage, b sessionstore.Backend, spec string) string {
	switch st {
	case server.StorageEncrypted:
		return "sessions live in the cookie, signed and encrypted (AES-256 key derived from the secret)"
	case server.StorageServer:
		return fmt.Sprintf("sessions live in %s (%s); the cookie carries only a signed session id", b.Kind(), sessionstore.Redact(spec))
	}
	return "sessions live in the cookie, signed, not encrypted: anyone holding it can read the values"
}

// serveKeys returns the session keys: from --secret and --secret-file, else
// FORMTEST_SECRET, else (on loopback only) the lesson's public key. Off
// loopback every key must be at least minKeyBytes long and pass
// cookiecodec.CheckKeyStrength: not a well-known key, and not of visibly
// low entropy.
func serveKeys(flags keyFlags, loopback bool) ([][]byte, keySource, error) {
	raw, source, err := flags.raw()
	if err != nil {
		return nil, "", err
	}
	if len(raw) == 0 {
		if !loopback {
			return nil, "", usageErrorf("refusing to serve off loopback with the lesson's public key: give a key of at least %d bytes, e.g.\n  formtest serve --addr %s --secret \"hex:$(openssl rand -hex 32)\"\n(or put it in FORMTEST_SECRET or a --secret-file)", minKeyBytes, "HOST:PORT")
		}
		return [][]byte{[]byte(server.LessonKey)}, keyLesson, nil
	}
	keys := make([][]byte, len(raw))
	for i, s := range raw {
		k, err := cookiecodec.ParseKey(s)
		if err != nil {
			return nil, "", usageErrorf("key %d from %s: %w", i+1, source, err)
		}
		if !loopback {
			if string(k) == server.LessonKey {
				return nil, "", usageErrorf("key %d from %s is the lesson's public key; off loopback use a random key of at least %d bytes: %s", i+1, source, minKeyBytes, makeKeyHint)
			}
			if len(k) < minKeyBytes {
				return nil, "", usageErrorf("key %d from %s is %d bytes; off loopback a key must be at least %d bytes: %s", i+1, source, len(k), minKeyBytes, makeKeyHint)
			}
			if err := cookiecodec.CheckKeyStrength(k); err != nil {
				return nil, "", usageErrorf("key %d from %s is refused off loopback: %v. Use a random key: %s", i+1, source, err, makeKeyHint)
			}
		}
		keys[i] = k
	}
	return keys, source, nil
}

// describeKeys says which key signs, without printing it unless it is the
// lesson's public key.
func describeKeys(keys [][]byte, source keySource) string {
	if source == keyLesson {
		return fmt.Sprintf("WARNING: signing with the lesson's public key %q; anyone can forge these sessions. Fine for learning on loopback, never anywhere else.", server.LessonKey)
	}
	sum := sha256.Sum256(keys[0])
	msg := fmt.Sprintf("signing with a %d-byte key from %s (fingerprint sha256:%x)", len(keys[0]), source, sum[:4])
	if len(keys) > 1 {
		msg += fmt.Sprintf("; %d older key(s) still verify", len(keys)-1)
	}
	if len(keys[0]) < minKeyBytes {
		msg += fmt.Sprintf("; WARNING: shorter than %d bytes", minKeyBytes)
	} else if err := cookiecodec.CheckKeyStrength(keys[0]); err != nil {
		msg += fmt.Sprintf("; WARNING: a weak key (%v), accepted on loopback only", err)
	}
	return msg
}

// isLoopback reports whether host names only this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listenError turns a listen failure into one clear line.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on %s: the address is in use (another formtest serve? try --addr 127.0.0.1:0 for a free port)", addr)
	}
	return usageErrorf("cannot listen on %s: %w", addr, err)
}

// logExchanges writes each exchange from sub to w until sub is closed.
func logExchanges(w io.Writer, sub *server.Subscription) {
	for e := range sub.C {
		io.WriteString(w, formatExchange(&e))
	}
}

// statusText names an HTTP status, including the one formtest records for
// a request whose client went away.
func statusText(code int) string {
	if code == server.StatusClientClosedRequest {
		return "Client Closed Request (nobody received it)"
	}
	return http.StatusText(code)
}

// formatExchange renders e as log lines: the request line and status, then
// indented details, every Set-Cookie on a line of its own. Control
// characters are escaped, so nothing a client sends can drive the terminal.
func formatExchange(e *server.Exchange) string {
	var b strings.Builder
	if e.Dropped > 0 {
		fmt.Fprintf(&b, "(%d exchange(s) not logged: the log fell behind)\n", e.Dropped)
	}
	fmt.Fprintf(&b, "%s %s %s -> %d %s (stage %s, %s, %d bytes)\n",
		e.Start.Format("15:04:05"), cookiecodec.EscapeText(e.Method), cookiecodec.EscapeText(e.Target),
		e.Status, statusText(e.Status), e.Stage, e.Duration.Round(time.Microsecond), e.BodySize)
	if len(e.Form) > 0 {
		b.WriteString("    form:")
		for _, k := range []string{"name", "email"} {
			if v, ok := e.Form[k]; ok {
				fmt.Fprintf(&b, " %s=%s", k, cookiecodec.EscapeText(strconv.Quote(strings.Join(v, ","))))
			}
		}
		if v := e.Form.Get("note"); v != "" {
			fmt.Fprintf(&b, " note=(%d bytes)", len(v))
		}
		b.WriteString("\n")
	}
	if e.Rejected != "" {
		fmt.Fprintf(&b, "    cookie rejected (treated as no session): %s\n", cookiecodec.EscapeText(e.Rejected))
	}
	for _, sc := range e.SetCookies() {
		fmt.Fprintf(&b, "    Set-Cookie: %s\n", cookiecodec.EscapeText(sc))
	}
	switch {
	case e.SessionID != "" && e.Stored != nil:
		fmt.Fprintf(&b, "    session id %s -> %s: %s\n", cookiecodec.EscapeText(e.SessionID), cookiecodec.EscapeText(e.Stored.Row.Where), cookiecodec.EscapeText(cookiecodec.MarshalValue(e.Session)))
	case e.SessionID != "":
		fmt.Fprintf(&b, "    session id %s -> no row read\n", cookiecodec.EscapeText(e.SessionID))
	case e.Session != nil:
		from := "from the Set-Cookie above"
		if e.SessionSource == "cookie" {
			from = "from the request's cookie"
		}
		if e.Storage == server.StorageEncrypted {
			from += ", decrypted with the server's key"
		}
		fmt.Fprintf(&b, "    session (%s): %s\n", from, cookiecodec.EscapeText(cookiecodec.MarshalValue(e.Session)))
	}
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "    note: %s\n", cookiecodec.EscapeText(n))
	}
	return b.String()
}
