package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed (or, for inspect-cookie, the cookie did not verify)
	exitUsage = 2 // bad flags, arguments or input
)

// exitError carries an exit code with the error that caused it. A nil err
// exits silently with code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// signalError is the cause of a context that a signal cancelled (see
// notifyContext). A command that stops because of it returns an error
// that wraps it, and formtest then exits 128 + the signal's number.
type signalError struct{ sig syscall.Signal }

func (e *signalError) Error() string {
	switch e.sig {
	case syscall.SIGINT:
		return "interrupted by SIGINT"
	case syscall.SIGTERM:
		return "terminated by SIGTERM"
	}
	return "stopped by signal " + e.sig.String()
}

// exitCode is the status a shell gives a process the signal killed.
func (e *signalError) exitCode() int { return 128 + int(e.sig) }

// usageErrorf returns an error that exits with exitUsage.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// execute runs formtest with args and returns the process exit code.
func execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitFail
	if e, ok := errors.AsType[*exitError](err); ok {
		code = e.code
		if e.err == nil {
			return code
		}
	}
	if s, ok := errors.AsType[*signalError](err); ok {
		code = s.exitCode()
	}
	fmt.Fprintf(stderr, "formtest: %v\n", err)
	return code
}

// newRootCmd builds the formtest command tree.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "formtest",
		Short: "Watch HTTP sessions happen: a form server, a tutorial and a cookie inspector",
		Long: `formtest teaches HTTP sessions by letting you watch them happen.

It runs the form_test app of a classic Flask sessions lesson, in Go on real
gorilla/sessions cookies, and shows every request, every Set-Cookie header
and the session decoded from it.`,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(newServeCmd(nil))
	root.AddCommand(newTutorCmd(nil))
	root.AddCommand(newInspectCookieCmd(nil))
	root.AddCommand(newSignCookieCmd(nil))
	return root
}

// version is the module version formtest was built from, or "dev".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// fileIsTerminal reports whether w is a terminal.
func fileIsTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())}
	}
	return nil
}
