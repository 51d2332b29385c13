package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/lessons/classroom"
	"github.com/formtest/formtest/lessons/engine"
	"github.com/formtest/formtest/server"
	"github.com/formtest/formtest/server/sessionstore"
	"github.com/formtest/formtest/tui"
)

// tutorOptions holds what tutor was asked to do.
type tutorOptions struct {
	Addr  string
	Name  string
	Email string
	Plain bool
	Reset bool
	// Store is where server-side sessions live: "cookie" for no database,
	// sqlite:PATH or redis://HOST:PORT/DB; "" means an SQLite file next to
	// the progress file.
	Store string
	// Keys give the server's keys, as for serve; none means the lesson's
	// public key, which lets the secret-key stage forge a session.
	Keys keyFlags
	// Classroom is --classroom and its flags (classroom.go).
	Classroom classroomFlags

	// NoColor is set when the user asked for no colour (see noColor).
	NoColor bool
	// StatePath is the progress file; "" means progress is not saved.
	StatePath string
	// IsTTY reports whether Out is a terminal; when not, tutor writes the
	// plain transcript.
	IsTTY bool

	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// Accessible runs the line-by-line tutor (--accessible); EnvAccessible
	// is set when ACCESSIBLE is set to anything but ""; DumbTerminal when
	// TERM is dumb; Color colours the accessible tutor's verdicts too.
	// See tutor_accessible.go.
	Accessible    bool
	EnvAccessible bool
	DumbTerminal  bool
	Color         bool

	// programOptions are extra Bubble Tea options, for tests.
	programOptions []tea.ProgramOption
	// ready, when set, is called with the server's URL once it listens.
	ready func(url string)
}

func newTutorCmd(runF func(*tutorOptions) error) *cobra.Command {
	opts := &tutorOptions{}
	cmd := &cobra.Command{
		Use:   "tutor",
		Short: "Walk through the sessions lesson, watching every request, cookie and session",
		Long: `Walk through the sessions lesson stage by stage in the terminal.

The tutor starts the form server in-process on a free loopback port, and
for each stage shows the lesson's text, its Flask code and the Go code the
server really runs. Press enter to run the stage's exchange: every request
and response is shown as it went over the wire, with the raw Set-Cookie
header, the Cookie sent back, and the session decoded from them.

Requests from a browser or curl to the server's URL appear live in the
traffic list. Each stage also has challenges to do from your own browser
or with curl: the tutor checks them from that traffic and ticks each one
the moment it sees it done (h shows hints, the last one the exact
commands; o runs a second browser inside the tutor). Before the runs
that surprise people it asks you to predict the outcome (1-4; any run
key goes ahead without answering).

Progress, challenges and answers included, is saved in
$XDG_STATE_HOME/formtest (or the OS's state directory) and resumed next
time; --reset starts over.

The stage on keeping sessions in a database needs one: by default an
SQLite file, sessions.db, next to the saved progress; --store picks
another (sqlite:PATH or redis://HOST:PORT/DB), and --store cookie none.

When stdout is not a terminal, or with --plain, the tutor runs every stage
and prints the whole tutorial as a plain transcript, with no escape codes,
ending with a worksheet of the challenges (which it cannot check).

--classroom serves the form to a whole class on the local network: on
every interface and a free port (or --addr), with a fresh random key for
the run (--secret or --secret-file to keep sessions across restarts), a
request budget per computer, and each student's own session at /me. It
opens on the URLs to join and a QR code of the first, then shows the
class, a row per student's browser, and how many students did each of the
stage's challenges (P: a layout for a projector). With --plain it prints
the URLs and the code, then logs the class's requests, a line each, until
interrupted. --lesson-key signs
with the lesson's public key instead, so students can forge sessions.

With --accessible (or $ACCESSIBLE set) the tutor is interactive a line at
a time, for screen readers and braille displays: type a command (run,
next, tamper, hint, help...) and Enter; every answer is printed below the
last and nothing is redrawn. With --classroom too, it says in words how
students join (join says it again), and class lists the class.`,
		Example: `  formtest tutor
  formtest tutor --name Ada --email ada@example.com
  formtest tutor --plain > transcript.txt
  formtest tutor --accessible
  formtest tutor --addr 127.0.0.1:5000 --reset
  formtest tutor --store redis://127.0.0.1:6379/0
  formtest tutor --secret "hex:$(openssl rand -hex 32)"   # F's forged cookie is refused
  formtest tutor --classroom                              # students scan the QR code`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.In = cmd.InOrStdin()
			opts.Out = cmd.OutOrStdout()
			opts.ErrOut = cmd.ErrOrStderr()
			opts.IsTTY = fileIsTerminal(opts.Out)
			opts.NoColor = noColor(os.Getenv)
			opts.Keys.readEnv(os.Getenv)
			opts.StatePath = statePath(os.Getenv, runtime.GOOS)
			opts.Classroom.AddrSet = cmd.Flags().Changed("addr")
			opts.EnvAccessible = os.Getenv("ACCESSIBLE") != ""
			opts.DumbTerminal = os.Getenv("TERM") == "dumb"
			if runF != nil {
				return runF(opts)
			}
			return runTutor(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:0", "address for the in-process server, loopback only unless --classroom (whose default is every interface, :0); port 0 picks a free one")
	f.StringVar(&opts.Name, "name", "Ada", "name the demo form posts")
	f.StringVar(&opts.Email, "email", "ada@example.com", "email the demo form posts")
	f.BoolVar(&opts.Plain, "plain", false, "print the tutorial as a plain transcript (automatic when stdout is not a terminal)")
	f.BoolVar(&opts.Reset, "reset", false, "forget saved progress and start at stage 1")
	opts.Keys.register(f, "session key (repeatable: the first signs, all verify); default $FORMTEST_SECRET, else the lesson's public key")
	opts.Classroom.register(f)
	f.BoolVar(&opts.Accessible, "accessible", false, "interactive tutor a line at a time, for screen readers and braille displays: nothing redrawn, commands typed (also when $ACCESSIBLE is set)")
	f.BoolVar(&opts.Color, "color", false, "with --accessible: colour verdicts and headings too (they are always in words)")
	f.StringVar(&opts.Store, "store", "", "session database for server-side sessions: sqlite:`PATH`, redis://HOST:PORT/DB, or cookie for none (default: sessions.db next to the saved progress)")
	return cmd
}

// statePath returns the tutor's progress file: formtest/tutor.json under
// $XDG_STATE_HOME when it is an absolute path, else under the OS's usual
// place for state. It returns "" when there is no such place.
func statePath(getenv func(string) string, goos string) string {
	dir := getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) {
		dir = ""
	}
	if dir == "" {
		switch goos {
		case "windows":
			dir = getenv("LocalAppData")
		case "darwin", "ios":
			if home := getenv("HOME"); home != "" {
				dir = filepath.Join(home, "Library", "Application Support")
			}
		default:
			if home := getenv("HOME"); home != "" {
				dir = filepath.Join(home, ".local", "state")
			}
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "formtest", "tutor.json")
}

// tutorStoreSpec returns the session database the tutor opens: store as
// given, or an SQLite file next to the progress file statePath when store
// is "". It returns "" for no database: --store cookie, or no state
// directory to put the default in. A store that names no database kind is
// a usage error.
func tutorStoreSpec(store, statePath string) (string, error) {
	spec := strings.TrimSpace(store)
	switch {
	case spec == "cookie":
		return "", nil
	case spec == "" && statePath == "":
		return "", nil
	case spec == "":
		return "sqlite:" + filepath.Join(filepath.Dir(statePath), "sessions.db"), nil
	}
	if err := sessionstore.CheckSpec(spec); err != nil {
		return "", usageErrorf("--store: %v (or cookie for no session database)", err)
	}
	return spec, nil
}

// openTutorStore opens the tutor's session database, or returns nil for
// none. A database given with --store must open. The default, an SQLite
// file beside the progress file, is a convenience: when it cannot be made
// the tutor goes on without one, and warning says why.
func openTutorStore(ctx context.Context, opts *tutorOptions) (b sessionstore.Backend, warning string, err error) {
	spec, err := tutorStoreSpec(opts.Store, opts.StatePath)
	if err != nil || spec == "" {
		return nil, "", err
	}
	if strings.TrimSpace(opts.Store) != "" {
		b, err := sessionstore.Open(ctx, spec)
		if err != nil {
			return nil, "", fmt.Errorf("--store %s: %w", sessionstore.Redact(spec), err)
		}
		return b, "", nil
	}
	err = os.MkdirAll(filepath.Dir(opts.StatePath), 0o700)
	if err == nil {
		if b, err = sessionstore.Open(ctx, spec); err == nil {
			return b, "", nil
		}
	}
	return nil, fmt.Sprintf("No session database (%s: %v): the database stage will say so; --store picks another.", strings.TrimPrefix(spec, "sqlite:"), err), nil
}

// runTutor runs the tutorial until the learner quits or ctx is done.
func runTutor(ctx context.Context, opts *tutorOptions) error {
	view, err := chooseTutorView(opts)
	if err != nil {
		return err
	}
	// Classroom mode (classroom.go) has an address, keys and limits of its own.
	class, err := planClassroom(opts.Addr, opts.Classroom, opts.Keys)
	if err != nil {
		return err
	}
	addr := opts.Addr
	if class != nil {
		addr = class.Addr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--addr %q: want host:port, such as 127.0.0.1:0: %w", opts.Addr, err)
	}
	if !isLoopback(host) && class == nil {
		return usageErrorf("--addr %q: the tutor is a lesson for this machine, so it listens on loopback only (127.0.0.1, ::1 or localhost); --classroom serves a class on the network", opts.Addr)
	}
	var keys [][]byte
	if class != nil {
		keys = class.Keys
	} else if keys, _, err = serveKeys(opts.Keys, true); err != nil {
		return err
	}
	ls, err := lessons.Embedded()
	if err != nil {
		return err
	}
	first, err := server.ParseStage(ls[0].Stage)
	if err != nil {
		return fmt.Errorf("lesson %s: %w", ls[0].File, err)
	}
	backend, storeWarning, err := openTutorStore(ctx, opts)
	if err != nil {
		return err
	}
	if backend != nil {
		defer backend.Close()
	}
	srv, err := server.New(server.Config{Keys: keys, Stage: first, Storage: server.StorageSigned, Backend: backend, Classroom: class.serverConfig()})
	if err != nil {
		return err
	}
	bg, err := startServer(srv, addr)
	if err != nil {
		return err
	}
	defer bg.shutdown(ctx, 5*time.Second)
	url := bg.url
	var join *classroom.Join // classroom mode: how students join
	if class != nil {
		url = class.localURL(bg.url)
		if join, err = class.join(bg.url); err != nil {
			return err
		}
	}
	form := engine.Form{Name: opts.Name, Email: opts.Email}
	plain := view == viewPlain
	if class != nil && plain {
		// The full-screen tutor shows the join screen itself, first.
		if err := announce(opts.Out, join); err != nil {
			return err
		}
	}
	if opts.ready != nil {
		opts.ready(url)
	}

	var progress engine.Progress
	var note string
	if !plain || class != nil {
		progress, note = engine.LoadProgress(opts.StatePath)
		if opts.Reset {
			progress, note = engine.Progress{}, "Progress reset: starting at stage 1."
		}
		if opts.StatePath == "" {
			note = "No state directory (set XDG_STATE_HOME or HOME): progress will not be saved."
		}
	}
	eng, err := engine.New(engine.Options{Lessons: ls, Server: srv, URL: url, Progress: progress})
	if err != nil {
		return err
	}
	defer eng.Close()

	if plain {
		if storeWarning != "" {
			fmt.Fprintln(opts.ErrOut, "formtest tutor: "+storeWarning)
		}
		if class != nil {
			return runClassroomPlain(ctx, opts.Out, eng, srv)
		}
		return tui.WritePlain(ctx, opts.Out, tui.PlainOptions{Engine: eng, Form: form})
	}
	var classModel *classroom.Model // classroom mode: the class view's model, fed from the server's stream
	if class != nil {
		challenges, err := classChallenges(eng)
		if err != nil {
			return err
		}
		classModel = classroom.New(classroom.Options{Server: srv, Challenges: challenges})
		if view != viewAccessible { // the accessible tutor says how to join, and feeds the class itself
			note = strings.TrimSpace(classroomNote(join) + " " + note) // first: the class needs it most
			watch := eng.Watch(1024)
			defer watch.Close()
			go classModel.Feed(ctx, watch.C)
		}
	}

	if storeWarning != "" {
		note = strings.TrimSpace(note + " " + storeWarning)
	}
	if view == viewAccessible {
		return runAccessibleTutor(ctx, opts, eng, form, note, string(first), classModel, join)
	}
	mopts := tui.Options{
		Engine: eng,
		Form:   form,
		Note:   note,
		Class:  classModel,
		Join:   join,
	}
	if opts.StatePath != "" {
		path := opts.StatePath
		mopts.SaveProgress = func(p engine.Progress) error { return engine.SaveProgress(path, p) }
		if opts.Reset {
			// Save the fresh start at once, so that a crash cannot resume the old run.
			if err := engine.SaveProgress(path, engine.Progress{Current: string(first)}); err != nil {
				mopts.Note = "Progress reset, but not saved: " + err.Error()
			}
		}
	}
	if opts.NoColor {
		st := tui.NoColorStyles()
		mopts.Styles = &st
	}
	m, err := tui.New(mopts)
	if err != nil {
		return err
	}
	popts := append([]tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(opts.In),
		tea.WithOutput(opts.Out),
		// Bubble Tea checks for a new frame on a ticker even when idle;
		// 30 checks a second keep keys snappy at half the idle wake-ups.
		tea.WithFPS(30),
	}, opts.programOptions...)
	_, err = tea.NewProgram(m, popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted from outside: a normal way to stop
	}
	return err
}
