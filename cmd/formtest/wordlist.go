package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/formtest/formtest/server/cookiecodec"
)

// slowSearch is how long a search must be expected to take before
// inspect-cookie says so first.
const slowSearch = 10 * time.Second

// searchWordlist searches opts.Wordlist for the key that checker
// verifies. It prints a summary on stderr (and, on a terminal, a progress
// line), and returns nil when no key verifies.
func searchWordlist(ctx context.Context, opts *inspectOptions, checker cookiecodec.KeyChecker, hashcat *cookiecodec.HashcatTarget) ([]byte, error) {
	format, err := cookiecodec.ParseWordlistFormat(opts.WordlistFormat)
	if err != nil {
		return nil, usageErrorf("--wordlist-format: %q is not auto, plain, python or base64", opts.WordlistFormat)
	}
	name := cookiecodec.EscapeText(opts.Wordlist)
	human := !opts.JSON
	tty := opts.ErrIsTTY != nil && opts.ErrIsTTY() && human
	var (
		words io.Reader = opts.In
		size  int64
		f     *os.File
	)
	if opts.Wordlist == "-" {
		name = "stdin"
	} else {
		f, err = openWordlist(ctx, opts.Wordlist, func() {
			if tty {
				fmt.Fprintf(opts.ErrOut, "waiting for something to write to %s (Ctrl-C to stop)...\n", name)
			}
		})
		if err != nil {
			return nil, &exitError{code: exitUsage, err: fmt.Errorf("--wordlist: %w", err)}
		}
		defer f.Close()
		words = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	if cost := checker.Cost(); cost.SlowByDesign && human && f != nil {
		rate := cookiecodec.MeasureRate(ctx, checker, 0, 300*time.Millisecond)
		if lines := estimateLines(f, size); lines > 0 && float64(lines)/rate > slowSearch.Seconds() {
			fmt.Fprintf(opts.ErrOut, "this format is slow to search by design (%s): %s keys/s on %d cores; %s holds about %s lines, about %s\n",
				cost.Work, count(int64(rate)), workerCount(), name, count(lines), duration(time.Duration(float64(lines)/rate*float64(time.Second))))
		}
	}

	so := cookiecodec.SearchOptions{Format: format}
	var bar *progressBar
	if tty {
		bar = newProgressBar(opts.ErrOut, size, !opts.NoColor)
		so.Progress = bar.update
	}
	start := time.Now()
	res, err := cookiecodec.SearchKeys(ctx, checker, words, so)
	if bar != nil {
		bar.done()
	}
	elapsed := time.Since(start)
	st := res.Stats
	read := fmt.Sprintf("%s keys from %s lines (%s) of %s", count(st.Keys), count(st.Lines), byteSize(st.Bytes), name)
	if long, ok := errors.AsType[*cookiecodec.LineTooLongError](err); ok {
		return nil, usageErrorf("--wordlist: %s is not a list of keys: line %s runs on for over %s without a line break",
			name, count(long.Line), byteSize(long.Limit))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, &exitError{code: exitFail, err: fmt.Errorf("--wordlist: stopped after trying %s, in %s: %w", read, duration(elapsed), context.Cause(ctx))}
		}
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("--wordlist: %s, after %s lines: %w", name, count(st.Lines), err)}
	}
	if human {
		found := ""
		if res.Key != nil {
			found = fmt.Sprintf("; the key is on line %s", count(res.Line))
		}
		fmt.Fprintf(opts.ErrOut, "tried %s in %s (%s keys/s)%s\n", read, duration(elapsed), count(int64(float64(st.Keys)/max(elapsed.Seconds(), 1e-9))), found)
		if s := skippedLines(st, format); s != "" {
			fmt.Fprintln(opts.ErrOut, s)
		}
		if res.Key == nil && hashcat != nil {
			printHashcat(opts.ErrOut, *hashcat, opts.Wordlist)
		}
	}
	return res.Key, nil
}

// skippedLines says how many lines gave no key, and why; "" when none.
func skippedLines(st cookiecodec.SearchStats, format cookiecodec.WordlistFormat) string {
	if st.Skipped() == 0 {
		return ""
	}
	var why []string
	for _, r := range []struct {
		n    int64
		what string
	}{
		{st.Empty, "empty"},
		{st.TooLong, fmt.Sprintf("over %d bytes", cookiecodec.MaxKeyLine)},
		{st.BadLiteral, "not a Python string literal"},
		{st.BadBase64, "not base64"},
	} {
		if r.n > 0 {
			why = append(why, fmt.Sprintf("%s %s", count(r.n), r.what))
		}
	}
	hint := ""
	if st.BadLiteral+st.BadBase64 > st.Lines/2 {
		hint = fmt.Sprintf("; most lines are not %s: try --wordlist-format auto or plain", format)
	}
	return fmt.Sprintf("skipped %s lines: %s%s", count(st.Skipped()), strings.Join(why, ", "), hint)
}

// printHashcat says how to go on searching on a GPU with hashcat.
func printHashcat(w io.Writer, t cookiecodec.HashcatTarget, wordlist string) {
	if t.Unsupported != "" {
		fmt.Fprintf(w, "hashcat (mode %d, %s) cannot take this cookie: %s\n", t.Mode, t.Name, cookiecodec.EscapeText(t.Unsupported))
		return
	}
	file := fmt.Sprintf("%d.hash", t.Mode)
	fmt.Fprintf(w, "to search on a GPU, save this line to %s:\n  %s\nthen run:\n  %s\n", file, cookiecodec.EscapeText(t.Hash), cookiecodec.EscapeText(t.Command(file, shellQuote(wordlist))))
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// openWordlist opens path for reading. A regular file opens at once; any
// other file (a FIFO waits in open until something writes to it) is
// opened in a goroutine that ctx can abandon, and waiting is called if
// the open has not returned within 200 ms.
func openWordlist(ctx context.Context, path string, waiting func()) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file of keys", path)
	}
	if fi.Mode().IsRegular() {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	timer := time.NewTimer(200 * time.Millisecond)
	defer timer.Stop()
	for {
		select {
		case o := <-done:
			return o.f, o.err
		case <-timer.C:
			waiting()
		case <-ctx.Done():
			go func() {
				// The open may still return; close what it opens.
				if o := <-done; o.f != nil {
					o.f.Close()
				}
			}()
			return nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("stopped while waiting for a writer: %w", context.Cause(ctx))}
		}
	}
}

// estimateLines guesses how many lines a regular file of size bytes
// holds, from the length of the lines in its first 64 KiB; 0 when it
// cannot tell.
func estimateLines(f *os.File, size int64) int64 {
	if size <= 0 {
		return 0
	}
	buf := make([]byte, 64<<10)
	n, _ := f.ReadAt(buf, 0)
	nl := int64(strings.Count(string(buf[:n]), "\n"))
	if nl == 0 {
		return 1
	}
	return size * nl / int64(n)
}

// workerCount is how many cores the search uses.
func workerCount() int { return runtime.GOMAXPROCS(0) }

// progressBar draws the key search's progress on a terminal: how much of
// the file is read, the rate and the time left.
type progressBar struct {
	w     io.Writer
	size  int64
	fill  lipgloss.Style
	start time.Time
	now   func() time.Time
	last  atomic.Int64 // unix nanos of the last draw
}

func newProgressBar(w io.Writer, size int64, color bool) *progressBar {
	fill := lipgloss.NewStyle()
	if color {
		fill = fill.Foreground(lipgloss.Color("5"))
	}
	return &progressBar{w: w, size: size, fill: fill, start: time.Now(), now: time.Now}
}

func (p *progressBar) update(st cookiecodec.SearchStats) {
	now := p.now()
	if now.UnixNano()-p.last.Load() < int64(100*time.Millisecond) {
		return
	}
	p.last.Store(now.UnixNano())
	secs := max(now.Sub(p.start).Seconds(), 1e-9)
	rate := fmt.Sprintf("%s keys, %s/s", count(st.Keys), count(int64(float64(st.Keys)/secs)))
	if p.size <= 0 {
		fmt.Fprintf(p.w, "\r%s, %s read ", rate, byteSize(st.Bytes))
		return
	}
	pct := min(float64(st.Bytes)/float64(p.size), 1)
	eta := "?"
	if st.Bytes > 0 {
		eta = duration(time.Duration(float64(p.size-st.Bytes) / (float64(st.Bytes) / secs) * float64(time.Second)))
	}
	const width = 30
	full := int(pct * width)
	bar := p.fill.Render(strings.Repeat("█", full)) + strings.Repeat("░", width-full)
	fmt.Fprintf(p.w, "\r%s %3.0f%%  %s, %s left ", bar, pct*100, rate, eta)
}

func (p *progressBar) done() { fmt.Fprint(p.w, "\r\x1b[2K") }

// count writes n with thousands separators: 1,234,567.
func count(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// byteSize writes n bytes in B, kB, MB or GB (powers of 1000).
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// duration writes d rounded for people: 340ms, 12.3s, 4m05s, 2h10m.
func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
