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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
