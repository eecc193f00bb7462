package watch

import (
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func TestBatcherQuietPeriod(t *testing.T) {
	b := NewBatcher(15*time.Millisecond, 150*time.Millisecond)
	if _, ok := b.Due(at(0)); ok {
		t.Fatal("empty batcher is due")
	}
	if _, ok := b.Deadline(); ok {
		t.Fatal("empty batcher has a deadline")
	}
	b.Add(Event{Path: "content/a.md", Op: Write}, at(0))
	if d, _ := b.Deadline(); !d.Equal(at(15)) {
		t.Fatalf("deadline %v, want %v", d, at(15))
	}
	if _, ok := b.Due(at(14)); ok {
		t.Fatal("due before the quiet period ended")
	}
	b.Add(Event{Path: "content/b.md", Op: Create}, at(10)) // restarts the quiet period
	if _, ok := b.Due(at(24)); ok {
		t.Fatal("due although an event came 14ms ago")
	}
	got, ok := b.Due(at(25))
	want := []Event{{Path: "content/a.md", Op: Write}, {Path: "content/b.md", Op: Create}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("Due = %v, %v; want %v", got, ok, want)
	}
	if b.Len() != 0 {
		t.Fatal("batch not reset")
	}
	if _, ok := b.Due(at(1000)); ok {
		t.Fatal("due again with nothing new")
	}
	// The next batch starts its own clock.
	b.Add(Event{Path: "static/x.css", Op: Write}, at(2000))
	if _, ok := b.Due(at(2014)); ok {
		t.Fatal("second batch due early")
	}
	if got, ok := b.Due(at(2015)); !ok || len(got) != 1 {
		t.Fatalf("second batch = %v, %v", got, ok)
	}
}

func TestBatcherMaxWait(t *testing.T) {
	b := NewBatcher(15*time.Millisecond, 150*time.Millisecond)
	// An event every 10ms never leaves 15ms of quiet; MaxWait cuts the batch.
	var ms int
	for ms = 0; ms < 150; ms += 10 {
		b.Add(Event{Path: "content/a.md", Op: Write}, at(ms))
		if _, ok := b.Due(at(ms)); ok {
			t.Fatalf("due at %dms", ms)
		}
	}
	if d, _ := b.Deadline(); !d.Equal(at(150)) {
		t.Fatalf("deadline %v, want MaxWait cap %v", d, at(150))
	}
	got, ok := b.Due(at(150))
	if !ok || len(got) != 1 || got[0].Op != Write {
		t.Fatalf("Due at MaxWait = %v, %v", got, ok)
	}
}

func TestBatcherMergeAndSort(t *testing.T) {
	b := NewBatcher(0, 0)
	if b.Quiet != DefaultQuiet || b.MaxWait != DefaultMaxWait {
		t.Fatalf("defaults %v %v", b.Quiet, b.MaxWait)
	}
	for _, ev := range []Event{
		{Path: "static/css/main.css", Op: Write},
		{Path: "content/incidents/x.md", Op: Rename},
		{Path: "content/incidents/x.md", Op: Create},
		{Path: "content/incidents/x.md", Op: Write},
		{Path: "casefile.yaml", Op: Write},
		{Path: "content/old", Op: Remove, Dir: true},
		{Path: "content/old", Op: Remove},
		{Path: "content/ignored-no-op.md", Op: 0},
	} {
		b.Add(ev, t0)
	}
	got := b.Flush()
	want := []Event{
		{Path: "casefile.yaml", Op: Write},
		{Path: "content/incidents/x.md", Op: Create | Write | Rename},
		{Path: "content/old", Op: Remove, Dir: true},
		{Path: "static/css/main.css", Op: Write},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	if b.Flush() != nil {
		t.Fatal("second Flush not empty")
	}
}

func TestBatcherRescanSwallowsBatch(t *testing.T) {
	b := NewBatcher(0, 0)
	b.Add(Event{Path: "content/a.md", Op: Write}, t0)
	b.Add(Event{Path: "", Op: Write, Dir: true}, t0)
	b.Add(Event{Path: "static/b.css", Op: Create}, t0)
	got := b.Flush()
	want := []Event{{Path: "", Op: Write, Dir: true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestMergeBatches(t *testing.T) {
	a := []Event{{Path: "content/a.md", Op: Write}, {Path: "content/c.md", Op: Create}}
	b := []Event{{Path: "content/b.md", Op: Remove}, {Path: "content/c.md", Op: Write}}
	got := mergeBatches(a, b)
	want := []Event{
		{Path: "content/a.md", Op: Write},
		{Path: "content/b.md", Op: Remove},
		{Path: "content/c.md", Op: Create | Write},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := mergeBatches(nil, b); !reflect.DeepEqual(got, b) {
		t.Fatalf("merge into nothing = %v", got)
	}
}

func TestOpString(t *testing.T) {
	for op, want := range map[Op]string{0: "0", Create: "Create", Create | Rename: "Create|Rename", Write | 1<<6: "Write|0x40"} {
		if got := op.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", op, got, want)
		}
	}
	if !(Create | Write).Has(Write) || Write.Has(Create) || Write.Has(0) {
		t.Error("Has")
	}
}
