package check

// fifo is a map that holds at most max entries: when a new one would pass
// that, the entry made first is forgotten. The tracker's tables are
// fifos, so that a flood of requests cannot make them grow without end.
type fifo[K comparable, V any] struct {
	max   int
	m     map[K]V
	order []K // keys, made first first
}

func newFifo[K comparable, V any](max int) *fifo[K, V] {
	return &fifo[K, V]{max: max, m: make(map[K]V)}
}

// get returns k's value, or the zero value.
func (f *fifo[K, V]) get(k K) V { return f.m[k] }

// getOrMake returns k's value, making it with mk when k is new. Making
// one in a full fifo forgets the entry made first, after handing it to
// forget when forget is not nil.
func (f *fifo[K, V]) getOrMake(k K, mk func() V, forget func(K, V)) V {
	if v, ok := f.m[k]; ok {
		return v
	}
	for len(f.m) >= f.max && len(f.order) > 0 {
		old := f.order[0]
		f.order = f.order[1:]
		if v, ok := f.m[old]; ok {
			if forget != nil {
				forget(old, v)
			}
			delete(f.m, old)
		}
	}
	v := mk()
	f.m[k] = v
	f.order = append(f.order, k)
	return v
}

// len is how many entries it holds.
func (f *fifo[K, V]) len() int { return len(f.m) }
