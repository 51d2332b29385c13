package server

import (
	"log/slog"
	"strings"
	"sync"

	"github.com/formtest/formtest/server/cookiecodec"
)

func decodeForTest(value string, opts cookiecodec.Options) (map[string]any, error) {
	res, err := cookiecodec.Decode(value, opts)
	if err != nil {
		return nil, err
	}
	return res.Values, nil
}

// lockedWriter lets a logger write to a builder that a test reads.
type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// testLogger returns a logger that writes text lines to b, under mu.
func testLogger(mu *sync.Mutex, b *strings.Builder) *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{mu, b}, nil))
}
