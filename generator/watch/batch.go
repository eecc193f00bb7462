package watch

import (
	"sort"
	"time"
)

// Batcher groups a stream of events into batches: a batch is due once Quiet
// has passed without a new event, or MaxWait after its first event, whichever
// comes first. It keeps one Event per path, merging ops and the Dir flag. An
// event with Path "" (rescan everything) swallows the rest of its batch.
//
// A Batcher does no timing of its own: callers pass the current time to Add
// and Due, so it is driven the same way by the Watcher's clock and by tests.
// It is not safe for concurrent use.
type Batcher struct {
	Quiet   time.Duration
	MaxWait time.Duration

	pending     map[string]Event
	first, last time.Time
}

// NewBatcher returns a Batcher with the given periods; zero or negative
// values get the defaults of Options.
func NewBatcher(quiet, maxWait time.Duration) *Batcher {
	if quiet <= 0 {
		quiet = DefaultQuiet
	}
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	return &Batcher{Quiet: quiet, MaxWait: maxWait}
}

// Add records ev, seen at now. Events with no op are dropped.
func (b *Batcher) Add(ev Event, now time.Time) {
	if ev.Op == 0 {
		return
	}
	if b.pending == nil {
		b.pending = map[string]Event{}
	}
	if len(b.pending) == 0 {
		b.first = now
	}
	b.last = now
	if old, ok := b.pending[ev.Path]; ok {
		ev.Op |= old.Op
		ev.Dir = ev.Dir || old.Dir
	}
	b.pending[ev.Path] = ev
}

// Len is the number of paths waiting in the current batch.
func (b *Batcher) Len() int { return len(b.pending) }

// Deadline is when the current batch becomes due; ok is false when nothing
// is pending.
func (b *Batcher) Deadline() (t time.Time, ok bool) {
	if len(b.pending) == 0 {
		return time.Time{}, false
	}
	t = b.last.Add(b.Quiet)
	if capT := b.first.Add(b.MaxWait); capT.Before(t) {
		t = capT
	}
	return t, true
}

// Due returns the pending batch and starts a new one if the batch is due at
// now; otherwise it returns nil, false.
func (b *Batcher) Due(now time.Time) ([]Event, bool) {
	d, ok := b.Deadline()
	if !ok || now.Before(d) {
		return nil, false
	}
	return b.Flush(), true
}

// Flush returns the pending events, sorted by path, whether or not they are
// due, and starts a new batch. It returns nil when nothing is pending.
func (b *Batcher) Flush() []Event {
	if len(b.pending) == 0 {
		return nil
	}
	var out []Event
	if all, ok := b.pending[""]; ok {
		out = []Event{all}
	} else {
		out = make([]Event, 0, len(b.pending))
		for _, ev := range b.pending {
			out = append(out, ev)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	}
	clear(b.pending)
	return out
}

// mergeBatches folds batch b into batch a (both sorted, one Event per path)
// with the Batcher's rules; used when a batch is due while the consumer has
// not taken the previous one yet.
func mergeBatches(a, b []Event) []Event {
	if len(a) == 0 {
		return b
	}
	m := Batcher{}
	var t time.Time
	for _, ev := range a {
		m.Add(ev, t)
	}
	for _, ev := range b {
		m.Add(ev, t)
	}
	return m.Flush()
}
