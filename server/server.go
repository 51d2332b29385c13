// Package server is formtest's HTTP side: the lesson's form_test app in Go,
// stage by stage, on gorilla/sessions cookies, with every exchange published
// to whoever watches.
package server

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formtest/formtest/server/cookiecodec"
	"github.com/formtest/formtest/server/sessionstore"
)

// CookieName is the name of the session cookie, as in Flask.
const CookieName = "session"

// StatusSessionTooLarge is the status of a response whose session could not
// be kept because it outgrew the cookie (or the database row) that carries
// it. It is 507 Insufficient Storage: the server could not store what it was
// asked to keep. The request itself is small and well formed, so a 4xx such
// as 413, which blames the request, would mislead. Views compare against
// this constant, never a number, so the choice is made here once.
const StatusSessionTooLarge = http.StatusInsufficientStorage

// maxBodyBytes caps a request body; a larger one gets 413.
const maxBodyBytes = 8 << 10

// maxCookieBytes is what browsers keep of one cookie's name and value; they
// silently drop a larger cookie (RFC 6265bis §5.4).
const maxCookieBytes = 4096

// Config configures a Server.
type Config struct {
	// Keys are the session keys. The first signs new cookies; every one of
	// them verifies incoming cookies, so a key can be rotated without
	// logging anyone out. At least one is required.
	Keys [][]byte
	// Stage is the stage to start in; "" means StageTemplate.
	Stage Stage
	// Secure marks the session cookie Secure. Set it when serving over TLS.
	Secure bool
	// MaxAge is the session cookie's lifetime; zero means 30 days.
	MaxAge time.Duration
	// Logger receives server errors; nil discards them.
	Logger *slog.Logger
	// Storage is where sessions are kept to begin with; "" means
	// StorageSigned, or StorageServer when Backend is set.
	Storage Storage
	// Backend is the session database for StorageServer; nil means the
	// server can keep sessions only in cookies. The Server does not close it.
	Backend sessionstore.Backend
	// Classroom turns on classroom mode (see classroom.go): a request
	// budget per client address, a bounded client table and each
	// student's own session at GET /me. Nil, the default, leaves it off.
	Classroom *Classroom
}

// Server is the form_test app. Its zero value is not usable; call New.
type Server struct {
	stores  *stores
	storage atomic.Value // Storage
	keys    [][]byte
	// blockKeys are the AES keys derived from keys, for StorageEncrypted.
	blockKeys [][]byte
	maxAge    time.Duration
	stage     atomic.Value // Stage
	pages     *template.Template
	hub       hub
	handler   http.Handler
	log       *slog.Logger
	faults    *faultLog
	buffers   sync.Pool // of *bytes.Buffer, reused by renderStatus
	headers   pageHeaders
	class     *classroom // nil outside classroom mode
}

// New returns a Server configured by cfg.
func New(cfg Config) (*Server, error) {
	if len(cfg.Keys) == 0 {
		return nil, errors.New("server: no session key")
	}
	for i, k := range cfg.Keys {
		if len(k) == 0 {
			return nil, fmt.Errorf("server: session key %d is empty", i+1)
		}
	}
	st := cfg.Stage
	if st == "" {
		st = StageTemplate
	}
	if _, err := ParseStage(string(st)); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 30 * 24 * time.Hour
	}
	storage := cfg.Storage
	if storage == "" {
		storage = StorageSigned
		if cfg.Backend != nil {
			storage = StorageServer
		}
	}
	if _, err := ParseStorage(string(storage)); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if storage == StorageServer && cfg.Backend == nil {
		return nil, errors.New("server: server-side sessions need a session database (Config.Backend)")
	}
	st2, err := newStores(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		stores: st2,
		maxAge: cfg.MaxAge,
		keys:   cfg.Keys,
		pages:  pages,
		log:    cfg.Logger,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.faults = newFaultLog(s.log)
	for _, k := range cfg.Keys {
		b, err := cookiecodec.DeriveBlockKey(k)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		s.blockKeys = append(s.blockKeys, b)
	}
	if cfg.Classroom != nil {
		if s.class, err = newClassroom(*cfg.Classroom); err != nil {
			return nil, err
		}
		if err := s.classroomPages(pages); err != nil {
			return nil, err
		}
	}
	s.headers = newPageHeaders()
	s.stage.Store(st)
	s.storage.Store(storage)
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// ServeHTTP serves a request; a Server is an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Stage returns the stage now answering requests.
func (s *Server) Stage() Stage { return s.stage.Load().(Stage) }

// SetStage switches the stage that answers requests from now on. Requests
// already being served finish in the stage they started in.
func (s *Server) SetStage(st Stage) error {
	if _, err := ParseStage(string(st)); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	s.stage.Store(st)
	return nil
}

// Storage returns where sessions are kept now.
func (s *Server) Storage() Storage { return s.storage.Load().(Storage) }

// SetStorage switches where sessions are kept from now on. Cookies issued
// under another storage no longer verify and count as no session, as when
// a real site changes its session setup. StorageServer needs a Backend.
func (s *Server) SetStorage(st Storage) error {
	if _, err := ParseStorage(string(st)); err != nil {
		return fmt.Errorf("server: %w", err)
	}
	if st == StorageServer && s.stores.server == nil {
		return errors.New("server: no session database to keep sessions in (start with a server-side store, such as --store sqlite:sessions.db)")
	}
	s.storage.Store(st)
	return nil
}

// Backend returns the session database, or nil when there is none.
func (s *Server) Backend() sessionstore.Backend {
	if s.stores.server == nil {
		return nil
	}
	return s.stores.server.Backend()
}

// StoreFailures returns how many requests the session store failed since
// the server started, by class, and how many were canceled by their client
// while the store worked (counted apart: not a failure of the store).
func (s *Server) StoreFailures() StoreFailures { return s.faults.snapshot() }

// Subscribe starts delivering exchanges to a new Subscription whose channel
// holds buffer exchanges. A subscriber that falls behind loses exchanges
// rather than slowing the server; the next one it receives says how many.
func (s *Server) Subscribe(buffer int) *Subscription { return s.hub.subscribe(buffer) }

// HTTPServer returns an http.Server for s on addr, with timeouts and header
// limits set so that a slow or greedy client cannot hold it.
func (s *Server) HTTPServer(addr string) *http.Server {
	hs := &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// net/http's own complaints go through the server's logger, whose
		// text handler quotes whatever a client put in them.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.class != nil {
		hs.ConnState = s.class.connState // classroom mode: connections per address
	}
	return hs
}

// routes builds the handler: the lesson's routes, behind cross-origin
// protection, behind the observer so that refused requests are seen too,
// behind classroom mode's budget, so that a flood is refused before it costs.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("POST /users", s.createUser)
	mux.HandleFunc("GET /show", s.showUser)
	mux.HandleFunc("POST /logout", s.logout)
	s.classroomRoutes(mux)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOrigin))
	return s.budget(s.observe(cop.Handler(mux)))
}
