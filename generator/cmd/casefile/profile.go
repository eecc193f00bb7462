package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

// startProfiles starts the CPU profile named by --cpuprofile; the returned
// function stops it and writes the heap profile named by --memprofile.
func startProfiles(f *flags) (stop func() error, err error) {
	var cpu *os.File
	if f.cpuprofile != "" {
		cpu, err = os.Create(f.cpuprofile)
		if err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if f.memprofile != "" {
			mem, err := os.Create(f.memprofile)
			if err != nil {
				return errors.Join(append(errs, fmt.Errorf("--memprofile: %w", err))...)
			}
			runtime.GC() // up-to-date statistics
			errs = append(errs, pprof.Lookup("allocs").WriteTo(mem, 0), mem.Close())
		}
		return errors.Join(errs...)
	}, nil
}

// Garbage-collector settings for one-off builds, unless the environment sets
// its own (GOGC, GOMEMLIMIT). A build allocates gigabytes of short-lived
// page buffers over a small live heap: collecting at 300% growth instead of
// 100% saves about a tenth of the CPU time at 10,000 incidents, and the soft
// limit keeps a 100,000-incident build within its memory budget by
// collecting more often near it.
const (
	buildGCPercent = 300
	buildMemoryCap = 1280 << 20 // bytes
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryCap)
	}
}

// hugeReserve is how much heap a one-off build maps on huge pages before it
// starts (see package hugeheap): as much as the memory limit lets the heap
// grow to, at most 4 GiB, or buildMemoryCap where there is no limit. Heap
// mapped beyond it has small pages. At 10,000 incidents this took the build
// from 5.5–6.0 s to 4.1–4.7 s of wall time and its user time from 8.0–9.1 s
// to 6.8–7.4 s (three interleaved runs each) on our development machine, a
// virtual machine whose kernel gives huge pages only where they are asked for.
func hugeReserve(limit int64) int {
	if limit == math.MaxInt64 {
		return buildMemoryCap
	}
	return int(min(limit, 4<<30, math.MaxInt))
}
