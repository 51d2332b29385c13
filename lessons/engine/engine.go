// Package engine is the sessions lesson's flow, without a user interface:
// it owns the in-process form server, switches its stage and storage as
// the learner moves through the lessons, keeps the clients that send the
// lessons' requests (each with its own cookie jar), runs, tampers, forges
// and grows, keeps the learner's progress, and streams every exchange the
// server sees, each tagged with the client that sent it.
//
// Every request a client of the engine sends is joined with the server's
// own record of that very request, by the address of the connection it
// went over (see pairing), so the server's verdict, rejection reason and
// database row arrive on the hop; nothing is decoded twice.
//
// The full-screen tutor, the plain transcript and any other view drive
// the same Engine; they decide on its typed results (Outcome, Verdict,
// AttackKind, Check), never on its sentences.
package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/formtest/formtest/lessons"
	"github.com/formtest/formtest/server"
)

// Options configures an Engine.
type Options struct {
	// Lessons are the stages, in order. Each must name a server stage.
	Lessons []lessons.Lesson
	// Server is the in-process form server; the engine switches its stage
	// and storage. URL is where it listens.
	Server *server.Server
	URL    string
	// Progress is where to resume.
	Progress Progress
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Stage is one lesson as the engine runs it.
type Stage struct {
	// Index is the stage's position, from 0.
	Index  int
	Lesson lessons.Lesson
	// Server is the server stage that answers its requests; Storage where
	// the lesson keeps sessions.
	Server  server.Stage
	Storage server.Storage
	// Key names the stage in the saved progress.
	Key string
	// GoCode is the Go code the server runs in the stage; GoFiles names
	// the files it comes from.
	GoCode  string
	GoFiles []string
	// FlaskFromSeed is true when the lesson's Flask code is the seed
	// tutorial's own (its first stages); false when it is a Flask
	// equivalent of what formtest's server does.
	FlaskFromSeed bool
}

// Engine is the lesson flow. Its methods are safe for concurrent use: a
// view may run a trip in the background while it moves between stages.
type Engine struct {
	srv    *server.Server
	url    string
	stages []Stage
	now    func() time.Time
	pairs  *pairing
	sub    *server.Subscription
	done   chan struct{}
	// classroom is set when the server runs in classroom mode.
	classroom bool

	mu       sync.Mutex
	idx      int
	progress Progress
	clients  map[string]*Client
	tutor    *Client
	watchers map[*Watcher]struct{}
}

// Errors of moving between stages.
var (
	ErrPastLast    = errors.New("engine: this is the last stage")
	ErrBeforeFirst = errors.New("engine: this is the first stage")
)

// New returns an Engine over opts.Server, at the stage opts.Progress was
// on, and starts watching the server's exchanges. Close stops it.
func New(opts Options) (*Engine, error) {
	if len(opts.Lessons) == 0 {
		return nil, errors.New("engine: no lessons")
	}
	if opts.Server == nil {
		return nil, errors.New("engine: no server")
	}
	e := &Engine{
		srv:      opts.Server,
		url:      opts.URL,
		now:      opts.Now,
		progress: opts.Progress,
		clients:  make(map[string]*Client),
		watchers: make(map[*Watcher]struct{}),
		done:     make(chan struct{}),
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.pairs = &pairing{now: e.now}
	for i, l := range opts.Lessons {
		st, err := stageOf(i, l)
		if err != nil {
			return nil, fmt.Errorf("engine: lesson %s: %w", l.File, err)
		}
		e.stages = append(e.stages, st)
	}
	tutor, err := e.NewClient(TutorClient, UserAgent)
	if err != nil {
		return nil, err
	}
	e.tutor = tutor
	for i, st := range e.stages {
		if st.Key == opts.Progress.Current {
			e.idx = i
		}
	}
	e.progress.Current = e.stages[e.idx].Key
	if err := e.srv.SetStage(e.stages[e.idx].Server); err != nil {
		return nil, err
	}
	if _, err := e.SetStorage(e.stages[e.idx].Storage); err != nil {
		return nil, err
	}
	buffer := subscriptionBuffer
	if _, e.classroom = e.srv.Classroom(); e.classroom {
		buffer = classSubscriptionBuffer
	}
	e.sub = e.srv.Subscribe(buffer)
	go e.watch()
	return e, nil
}

// subscriptionBuffer is how many of the server's records the engine's
// subscription holds; classSubscriptionBuffer, in classroom mode. watch
// drains it at once, only pairing records and handing them on, but a
// class of hundreds sends hundreds a second, and a loaded machine can
// hold watch up for a moment: a lost record is a tutor's request left
// without its record, and a class's request the views never count (they
// are told how many, in Observation.Missed). One learner needs far fewer,
// and a smaller buffer starts the tutor sooner.
const (
	subscriptionBuffer      = 256
	classSubscriptionBuffer = 4096
)

// stageOf reads lesson l, the i-th, into a Stage.
func stageOf(i int, l lessons.Lesson) (Stage, error) {
	st, err := server.ParseStage(l.Stage)
	if err != nil {
		return Stage{}, err
	}
	storage := server.StorageSigned
	if l.Storage != "" {
		if storage, err = server.ParseStorage(l.Storage); err != nil {
			return Stage{}, err
		}
	}
	code, err := server.StageCode(st)
	if err != nil {
		return Stage{}, err
	}
	files := []string{"server/stages.go"}
	if l.Storage != "" {
		sc, err := server.StorageCode(storage)
		if err != nil {
			return Stage{}, err
		}
		code += "\n" + sc
		files = append(files, "server/storage.go")
	}
	key := l.Stage
	if l.Storage != "" {
		key += "/" + l.Storage
	}
	return Stage{
		Index: i, Lesson: l, Server: st, Storage: storage, Key: key, GoCode: code, GoFiles: files,
		// The seed's own stages are the ones taught with no storage of
		// their own, before the grow stage formtest adds.
		FlaskFromSeed: len(l.Flask) > 0 && !slices.ContainsFunc(l.Flask, func(c lessons.Code) bool { return c.Equivalent }),
	}, nil
}

// Close stops watching the server. The server itself is the caller's.
func (e *Engine) Close() {
	e.sub.Close()
	<-e.done
}

// Server returns the server the engine drives.
func (e *Engine) Server() *server.Server { return e.srv }

// URL returns the server's base URL.
func (e *Engine) URL() string { return e.url }

// Stages returns the stages, in order.
func (e *Engine) Stages() []Stage { return slices.Clone(e.stages) }

// Current returns the current stage.
func (e *Engine) Current() Stage {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stages[e.idx]
}

// Tutor returns the engine's own client, the one the lesson's runs use.
func (e *Engine) Tutor() *Client { return e.tutor }

// NewClient adds a client named name that sends userAgent, with a cookie
// jar of its own, such as a second browser. Its requests are paired with
// the server's records like the tutor's. Names are unique.
func (e *Engine) NewClient(name, userAgent string) (*Client, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.clients[name]; ok {
		return nil, fmt.Errorf("engine: a client named %q exists", name)
	}
	c, err := newClient(name, userAgent, e.url, e.pairs)
	if err != nil {
		return nil, err
	}
	e.clients[name] = c
	return c, nil
}

// Client returns the client named name, or nil.
func (e *Engine) Client(name string) *Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clients[name]
}

// Progress returns the learner's progress.
func (e *Engine) Progress() Progress {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.progress
	p.Done = append([]string(nil), p.Done...)
	return p
}

// markDone marks stage i done and reports whether that changed progress.
func (e *Engine) markDone(i int) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	key := e.stages[i].Key
	if e.progress.IsDone(key) {
		return false
	}
	e.progress = e.progress.markDone(key)
	return true
}

// StageChange is what moving to a stage did.
type StageChange struct {
	Stage Stage
	// Storage is where the server keeps sessions now; NoDatabase is set
	// when the stage wanted a database the server does not have, so it
	// keeps signed cookies instead.
	Storage    server.Storage
	NoDatabase bool
}

// Goto moves to stage i: the server answers with its stage and keeps
// sessions its way from now on. Out of range, it returns ErrPastLast or
// ErrBeforeFirst and changes nothing.
func (e *Engine) Goto(i int) (StageChange, error) {
	switch {
	case i >= len(e.stages):
		return StageChange{}, ErrPastLast
	case i < 0:
		return StageChange{}, ErrBeforeFirst
	}
	st := e.stages[i]
	if err := e.srv.SetStage(st.Server); err != nil {
		return StageChange{}, err
	}
	sc, err := e.SetStorage(st.Storage)
	if err != nil {
		return StageChange{}, err
	}
	e.mu.Lock()
	e.idx = i
	e.progress.Current = st.Key
	e.mu.Unlock()
	return StageChange{Stage: st, Storage: sc.Storage, NoDatabase: sc.NoDatabase}, nil
}

// StorageChange is what switching storage did.
type StorageChange struct {
	// Storage is where the server keeps sessions now.
	Storage server.Storage
	// NoDatabase is set when the database was asked for and the server
	// has none, so it keeps signed cookies instead.
	NoDatabase bool
}

// SetStorage switches where the server keeps sessions. This is the one
// place storage changes: the server's decoder, which every record is
// decoded with, follows it. Asked for the database when there is none,
// it keeps signed cookies and says so.
func (e *Engine) SetStorage(st server.Storage) (StorageChange, error) {
	if st == server.StorageServer && e.srv.Backend() == nil {
		if err := e.srv.SetStorage(server.StorageSigned); err != nil {
			return StorageChange{}, err
		}
		return StorageChange{Storage: server.StorageSigned, NoDatabase: true}, nil
	}
	if err := e.srv.SetStorage(st); err != nil {
		return StorageChange{}, err
	}
	return StorageChange{Storage: st}, nil
}

// CycleStorage switches to the next storage: signed cookie, encrypted
// cookie, database (skipped when there is none), and round again.
func (e *Engine) CycleStorage() (StorageChange, error) {
	return e.SetStorage(NextStorage(e.srv.Storage(), e.HasDatabase()))
}

// Storage returns where the server keeps sessions now.
func (e *Engine) Storage() server.Storage { return e.srv.Storage() }

// HasDatabase reports whether the server has a session database.
func (e *Engine) HasDatabase() bool { return e.srv.Backend() != nil }

// NextStorage is the storage after st in the cycle signed → encrypted →
// server, skipping server when there is no database.
func NextStorage(st server.Storage, haveDB bool) server.Storage {
	all := server.Storages()
	for i, s := range all {
		if s != st {
			continue
		}
		next := all[(i+1)%len(all)]
		if next == server.StorageServer && !haveDB {
			next = all[(i+2)%len(all)]
		}
		return next
	}
	return server.StorageSigned
}

// StorageName says in a few words where sessions are kept.
func StorageName(st server.Storage) string {
	switch st {
	case server.StorageEncrypted:
		return "encrypted cookie"
	case server.StorageServer:
		return "session in database"
	case server.StorageSigned:
		return "signed cookie"
	}
	return string(st)
}

// StorageSentence explains a storage in a sentence.
func StorageSentence(st server.Storage) string {
	switch st {
	case server.StorageEncrypted:
		return "the whole session travels in the cookie, signed and encrypted (AES-256-CTR with a block key derived from the secret): the browser carries values it cannot read"
	case server.StorageServer:
		return "the values live in a database row; the cookie carries only the row's random id, signed"
	}
	return "the whole session travels in the cookie, signed but not encrypted: anyone holding it can read the values"
}

// GoFilesText names a stage's Go files for a sentence: "server/stages.go
// and server/storage.go".
func (s Stage) GoFilesText() string { return strings.Join(s.GoFiles, " and ") }
