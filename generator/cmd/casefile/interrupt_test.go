//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"casefile/generator/internal/corpus"
)

// TestRunInterruptible: on a signal the command's context ends; a command
// that winds down returns its own status, one that does not (stuck reading
// a file, parsing a document) is left behind after the grace period or at
// a second signal, with the status 128+signal.
func TestRunInterruptible(t *testing.T) {
	signalWhenStarted := func(sigs chan os.Signal, list ...os.Signal) func() {
		started := make(chan struct{})
		go func() {
			<-started
			for _, s := range list {
				sigs <- s
			}
		}()
		return func() { close(started) }
	}
	for _, tc := range []struct {
		name    string
		signals []os.Signal
		grace   time.Duration
		stuck   bool // the command ignores its context
		want    int
	}{
		{"winds down", []os.Signal{syscall.SIGTERM}, time.Hour, false, 7},
		{"stuck, grace over", []os.Signal{os.Interrupt}, time.Millisecond, true, 130},
		{"stuck, second signal", []os.Signal{syscall.SIGTERM, syscall.SIGTERM}, time.Hour, true, 143},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sigs := make(chan os.Signal, 2)
			started := signalWhenStarted(sigs, tc.signals...)
			release := make(chan struct{})
			defer close(release)
			var stderr bytes.Buffer
			code := runInterruptible(sigs, tc.grace, &stderr, func(ctx context.Context) int {
				started()
				if tc.stuck {
					<-release
					return 0
				}
				<-ctx.Done()
				return 7
			})
			if code != tc.want {
				t.Errorf("status %d, want %d", code, tc.want)
			}
			if said := strings.Contains(stderr.String(), "stopped without waiting"); said != tc.stuck {
				t.Errorf("stderr: %q", stderr.String())
			}
		})
	}
	// Without a signal, the command's status.
	if code := runInterruptible(make(chan os.Signal), time.Hour, &bytes.Buffer{}, func(context.Context) int { return 3 }); code != 3 {
		t.Errorf("status %d, want 3", code)
	}
}

// interruptBound is how soon after SIGINT or SIGTERM a command must have
// exited in TestInterrupt: the command itself gives the work under way
// interruptGrace (half a second); the rest is margin for a loaded machine.
const interruptBound = 2500 * time.Millisecond

// TestInterrupt runs build, check and serve and signals them while they
// are stuck where no context is looked at: reading the config file, which
// is a named pipe the test holds open without writing (opening it for
// writing returns once the command has opened it: the marker that the
// command is under way). They must exit within interruptBound, a build
// leaving the previous output as it was. A build signalled while writing
// its pages stops between two, and the next build leaves nothing behind.
func TestInterrupt(t *testing.T) {
	bin := buildCasefile(t)
	src := t.TempDir()
	if _, err := corpus.Write(src, 400); err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := func() {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, "build", "-q", "-s", src, "-o", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, b)
		}
	}
	build()
	before := treeDigest(t, out)
	config := filepath.Join(src, "casefile.yaml")
	configText, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	// Every page of the next build differs from the first's.
	changed := []byte(strings.Replace(string(configText), "title: Synthetic incidents", "title: Renamed incidents", 1))

	// stopped starts cmd, waits until ready says it is under way, signals
	// it, and returns its status, stderr and how long it took to exit.
	stopped := func(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, ready func(exited <-chan struct{}) bool) (int, string, time.Duration) {
		t.Helper()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		var waitErr error
		go func() { waitErr = cmd.Wait(); close(exited) }()
		if !ready(exited) {
			<-exited
			t.Fatalf("%s ended before it could be signalled: %v\n%s", cmd, waitErr, stderr.String())
		}
		signalled := time.Now()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		select {
		case <-exited:
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("%s did not exit within a minute of %v\n%s", cmd, sig, stderr.String())
		}
		took := time.Since(signalled)
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			t.Fatalf("%s was killed by %v, not stopped by it", cmd, ws.Signal())
		}
		return cmd.ProcessState.ExitCode(), stderr.String(), took
	}

	for _, tc := range []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		{"build", []string{"build", "-q", "-s", src, "-o", out}, syscall.SIGINT},
		{"check", []string{"check", "-q", "-s", src}, syscall.SIGTERM},
		{"serve", []string{"serve", "-q", "-s", src, "--port", "0"}, syscall.SIGINT},
	} {
		t.Run(tc.name+" reading the config", func(t *testing.T) {
			if err := os.Remove(config); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(config, 0o644); err != nil {
				t.Fatal(err)
			}
			defer func() {
				_ = os.Remove(config)
				if err := os.WriteFile(config, changed, 0o644); err != nil {
					t.Fatal(err)
				}
			}()
			var pipe *os.File
			defer func() {
				if pipe != nil {
					pipe.Close()
				}
			}()
			code, stderr, took := stopped(t, exec.CommandContext(ctx, bin, tc.args...), tc.sig, func(exited <-chan struct{}) bool {
				opened := make(chan *os.File, 1)
				go func() {
					f, err := os.OpenFile(config, os.O_WRONLY, 0)
					if err != nil {
						t.Error(err)
					}
					opened <- f
				}()
				select {
				case pipe = <-opened:
					return pipe != nil
				case <-exited:
					// Unblock the opener: open the pipe for reading ourselves.
					if r, err := os.OpenFile(config, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
						pipe = <-opened
						r.Close()
					}
					return false
				}
			})
			t.Logf("exit %d %v after %v", code, tc.sig, took.Round(time.Millisecond))
			if want := 128 + int(tc.sig); code != want || !strings.Contains(stderr, "stopped without waiting") {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, want, stderr)
			}
			if took > interruptBound {
				t.Errorf("exited %v after %v, more than %v", took.Round(time.Millisecond), tc.sig, interruptBound)
			}
			if got := treeDigest(t, out); got != before {
				t.Errorf("the previous output changed")
			}
		})
	}

	t.Run("build writing pages", func(t *testing.T) {
		old := leftovers(t, parent)
		code, stderr, took := stopped(t, exec.CommandContext(ctx, bin, "build", "-q", "-s", src, "-o", out), syscall.SIGINT, func(exited <-chan struct{}) bool {
			for {
				select {
				case <-exited:
					return false
				case <-time.After(2 * time.Millisecond):
				}
				for _, name := range leftovers(t, parent) {
					if strings.HasPrefix(name, ".public.tmp-") && !contains(old, name) {
						if entries, _ := os.ReadDir(filepath.Join(parent, name, "incidents")); len(entries) >= 40 {
							return true
						}
					}
				}
			}
		})
		t.Logf("exit %d after %v; next to the output: %v\n%s", code, took.Round(time.Millisecond), leftovers(t, parent), stderr)
		if code == 0 {
			t.Errorf("the build succeeded although interrupted")
		}
		if took > interruptBound {
			t.Errorf("exited %v after SIGINT, more than %v", took.Round(time.Millisecond), interruptBound)
		}
		if got := treeDigest(t, out); got != before {
			t.Errorf("the previous output changed")
		}
	})

	build()
	if l := leftovers(t, parent); len(l) != 0 {
		t.Errorf("left next to the output: %v", l)
	}
	if treeDigest(t, out) == before {
		t.Error("the last build did not replace the output")
	}
}
