// Command formtest teaches HTTP sessions by letting you watch them happen.
//
// It runs the form_test app of a classic Flask sessions lesson, written in
// Go on gorilla/sessions cookies (formtest serve), walks through the lesson
// in a terminal tutorial (formtest tutor), and decodes session cookies of
// gorilla and Flask apps (formtest inspect-cookie).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// silentRedisLog drops go-redis's own log lines. By default go-redis prints
// connection failures straight to stderr, which would tear the tutor's
// full-screen view; serve logs every store failure itself, with context.
type silentRedisLog struct{}

func (silentRedisLog) Printf(context.Context, string, ...any) {}

func main() {
	// go-redis keeps its logger in a package variable; main owns the
	// process, so it is set here, once, before anything connects.
	redis.SetLogger(silentRedisLog{})
	ctx, stop := notifyContext(context.Background())
	code := execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// notifyContext returns a context that SIGINT or SIGTERM cancels with a
// *signalError as its cause, so a command can say what stopped it and
// formtest exits 130 or 143, as a shell reports a process the signal
// killed. stop releases the signals.
func notifyContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			if n, ok := s.(syscall.Signal); ok {
				cancel(&signalError{sig: n})
			}
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel(nil)
	}
}
