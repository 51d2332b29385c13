package cookiecodec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// SearchOptions tunes SearchKeys.
type SearchOptions struct {
	// Workers is how many goroutines check keys; 0 means GOMAXPROCS.
	Workers int
	// Format says how lines are read as keys; "" is WordlistAuto.
	Format WordlistFormat
	// Progress, if set, is called now and then with how far the search
	// has got, from any goroutine but never concurrently.
	Progress func(SearchStats)
}

// SearchStats says how far a search got through a wordlist.
type SearchStats struct {
	Lines int64 // lines read
	Bytes int64 // bytes read
	Keys  int64 // keys checked (a line can give two: see WordlistAuto)
	// Decoded counts lines read as a Python literal, base64 or hex.
	Decoded int64
	// Lines skipped, by reason.
	Empty      int64 // empty lines
	TooLong    int64 // lines over MaxKeyLine bytes
	BadLiteral int64 // not a Python string literal (WordlistPython)
	BadBase64  int64 // not base64 (WordlistBase64)
}

// Skipped returns how many lines gave no key.
func (s SearchStats) Skipped() int64 { return s.Empty + s.TooLong + s.BadLiteral + s.BadBase64 }

// SearchResult is what SearchKeys found.
type SearchResult struct {
	// Key is the key that verified the cookie, nil when none did.
	Key []byte
	// Line is the number of the line Key came from, counting from 1.
	Line  int64
	Stats SearchStats
}

// LineTooLongError reports a wordlist line so long that reading on to its
// end was given up: the input is not a list of keys (/dev/zero, a sparse
// or binary file).
type LineTooLongError struct {
	Line  int64 // the line's number, counting from 1
	Limit int64 // how many bytes of it were read
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("cookiecodec: line %d of the wordlist runs over %d MiB without a line break: not a list of keys", e.Line, e.Limit>>20)
}

// Search limits.
const (
	// searchChunk is how many keys a worker takes at a time.
	searchChunk = 4096
	// slowChunk is the same for a checker that is slow by design.
	slowChunk = 16
	// chunkBytes caps the key bytes of one chunk.
	chunkBytes = 256 << 10
	// readBuffer is the wordlist reader's buffer.
	readBuffer = 256 << 10
	// maxLineSkip is how much of one line is read before the search
	// gives up on the input (LineTooLongError).
	maxLineSkip = 16 << 20
	// ctxEvery is how many lines are read between looks at the context.
	ctxEvery = 1024
)

// keyChunk is a batch of keys handed to a worker.
type keyChunk struct {
	data  []byte
	ends  []int   // end of each key in data
	lines []int64 // line number of each key
}

// SearchKeys reads keys from words, one a line (a trailing "\r" is
// dropped), as so.Format says, checks them with c on all cores, and
// returns the first key that verifies, if one does. It reads words as a
// stream, in constant memory. It stops when ctx is done, returning the
// stats so far and context.Cause(ctx); when words can be given a read
// deadline (an *os.File on a pipe or FIFO), a blocked read is cut short
// too.
func SearchKeys(ctx context.Context, c KeyChecker, words io.Reader, so SearchOptions) (SearchResult, error) {
	format := so.Format
	if format == "" {
		format = WordlistAuto
	}
	if _, err := ParseWordlistFormat(string(format)); err != nil {
		return SearchResult{}, err
	}
	workers := so.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	perChunk := searchChunk
	if c.Cost().SlowByDesign {
		perChunk = slowChunk
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var stop atomic.Bool // set once ctx is done: checked for every key
	defer context.AfterFunc(ctx, func() { stop.Store(true) })()
	// AfterFunc runs in a goroutine of its own: a search asked of a
	// context already done must not try keys before that goroutine runs.
	stop.Store(ctx.Err() != nil)
	if d, ok := words.(interface{ SetReadDeadline(time.Time) error }); ok {
		// A read from a pipe that nobody writes to would block forever.
		defer context.AfterFunc(ctx, func() { d.SetReadDeadline(time.Unix(1, 0)) })()
	}

	var (
		stats    searchCounters
		found    SearchResult
		foundMu  sync.Mutex
		progMu   sync.Mutex
		wg       sync.WaitGroup
		chunks   = make(chan *keyChunk, 2*workers)
		free     = make(chan *keyChunk, 3*workers+1)
		errFound = errors.New("found")
	)
	newChunk := func() *keyChunk {
		select {
		case ch := <-free:
			return ch
		default:
			return &keyChunk{ends: make([]int, 0, perChunk), lines: make([]int64, 0, perChunk)}
		}
	}
	for range workers {
		wg.Go(func() {
			for ch := range chunks {
				start, n := 0, 0
				for i, end := range ch.ends {
					if stop.Load() {
						break
					}
					n++
					if c.Check(ch.data[start:end]) {
						foundMu.Lock()
						if found.Key == nil {
							found.Key, found.Line = bytes.Clone(ch.data[start:end]), ch.lines[i]
						}
						foundMu.Unlock()
						cancel(errFound)
						break
					}
					start = end
				}
				stats.keys.Add(int64(n))
				ch.data, ch.ends, ch.lines = ch.data[:0], ch.ends[:0], ch.lines[:0]
				select {
				case free <- ch:
				default:
				}
				if so.Progress != nil && progMu.TryLock() {
					so.Progress(stats.snapshot())
					progMu.Unlock()
				}
			}
		})
	}

	readErr := readKeys(ctx, bufio.NewReaderSize(words, readBuffer), format, perChunk, &stats, newChunk, chunks)
	close(chunks)
	wg.Wait()
	found.Stats = stats.snapshot()
	if so.Progress != nil {
		so.Progress(found.Stats)
	}
	if found.Key != nil {
		return found, nil
	}
	if err := context.Cause(ctx); err != nil {
		return found, err
	}
	return found, readErr
}

// searchCounters are SearchStats shared between the reader and workers.
type searchCounters struct {
	lines, bytes, keys, decoded           atomic.Int64
	empty, tooLong, badLiteral, badBase64 atomic.Int64
}

func (s *searchCounters) snapshot() SearchStats {
	return SearchStats{
		Lines: s.lines.Load(), Bytes: s.bytes.Load(), Keys: s.keys.Load(), Decoded: s.decoded.Load(),
		Empty: s.empty.Load(), TooLong: s.tooLong.Load(), BadLiteral: s.badLiteral.Load(), BadBase64: s.badBase64.Load(),
	}
}

// readKeys reads br line by line into chunks of keys sent on out, until
// the input ends, fails or ctx is done.
func readKeys(ctx context.Context, br *bufio.Reader, format WordlistFormat, perChunk int, stats *searchCounters, newChunk func() *keyChunk, out chan<- *keyChunk) error {
	ch := newChunk()
	send := func() bool {
		if len(ch.ends) == 0 {
			return true
		}
		select {
		case out <- ch:
			ch = newChunk()
			return true
		case <-ctx.Done():
			return false
		}
	}
	var line int64
	for {
		raw, err := br.ReadSlice('\n')
		n := int64(len(raw))
		if err == bufio.ErrBufferFull {
			// Far too long to be a key: skip to the end of the line, but
			// not forever, and keep an eye on ctx meanwhile.
			for err == bufio.ErrBufferFull {
				if ctx.Err() != nil {
					stats.bytes.Add(n)
					return nil
				}
				if n >= maxLineSkip {
					stats.bytes.Add(n)
					send()
					return &LineTooLongError{Line: line + 1, Limit: n}
				}
				raw, err = br.ReadSlice('\n')
				n += int64(len(raw))
			}
			line++
			stats.lines.Add(1)
			stats.bytes.Add(n)
			stats.tooLong.Add(1)
			if err != nil {
				if !send() {
					return nil
				}
				return readError(err)
			}
			continue
		}
		if len(raw) == 0 && err != nil && n == 0 {
			// The end, with no line in progress.
			if !send() {
				return nil
			}
			return readError(err)
		}
		line++
		stats.lines.Add(1)
		stats.bytes.Add(n)
		raw = bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte("\n")), []byte("\r"))
		start := len(ch.data)
		var (
			split, keys int
			decoded     bool
			why         skipReason
		)
		ch.data, split, keys, decoded, why = appendLineKeys(ch.data, raw, format)
		switch why {
		case skipEmpty:
			stats.empty.Add(1)
		case skipTooLong:
			stats.tooLong.Add(1)
		case skipBadLiteral:
			stats.badLiteral.Add(1)
		case skipBadBase64:
			stats.badBase64.Add(1)
		}
		if decoded {
			stats.decoded.Add(1)
		}
		if keys > 0 && split > start {
			ch.ends, ch.lines = append(ch.ends, split), append(ch.lines, line)
		}
		if keys > 1 {
			ch.ends, ch.lines = append(ch.ends, len(ch.data)), append(ch.lines, line)
		}
		if len(ch.ends) >= perChunk || len(ch.data) >= chunkBytes {
			if !send() {
				return nil
			}
		}
		if line%ctxEvery == 0 && ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if !send() {
				return nil
			}
			return readError(err)
		}
	}
}

// readError is what a read error means for the search: nothing at EOF.
func readError(err error) error {
	if err == io.EOF {
		return nil
	}
	return fmt.Errorf("cookiecodec: read wordlist: %w", err)
}
