package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"casefile"
	"casefile/generator/diag"
	"casefile/generator/internal/osfs"
	"casefile/generator/server"
	"casefile/generator/site"
	"casefile/generator/watch"
)

type serveFlags struct {
	flags
	bind     string
	port     int
	navigate bool
}

func parseServe(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := newFlagSet("serve", &f.flags, stderr)
	fs.StringVar(&f.bind, "bind", "127.0.0.1", "address to listen on")
	fs.IntVar(&f.port, "port", 1313, "port to listen on (0 picks a free one)")
	fs.BoolVar(&f.navigate, "navigate", false, "send the browser to the incident just edited")
	if err := parseArgs(fs, args); err != nil {
		return nil, err
	}
	f.color = useColor(stderr, os.Getenv)
	return f, nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseServe(args, stderr)
	if err != nil {
		return 2
	}
	if err := serve(ctx, f, stdout, stderr, nil); err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	return 0
}

// serve builds the site into memory, serves it, and rebuilds on every batch
// of file changes until ctx ends. ready, when set, is called with the
// server's URL once it listens (tests).
func serve(ctx context.Context, f *serveFlags, stdout, stderr io.Writer, ready func(url string)) error {
	addr := net.JoinHostPort(f.bind, strconv.Itoa(f.port))
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	srv := server.New(server.Options{Addr: addr, Logf: logf})
	w, err := watch.New(watch.Options{Root: f.source})
	if err != nil {
		return fmt.Errorf("cannot watch %s: %w", f.source, err)
	}
	defer w.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx) }()
	// Wait for the listener: the site's base URL is the address it got
	// (with --port 0, a free port the system picked).
	for srv.URL() == "" {
		select {
		case err := <-served:
			if err == nil {
				err = errors.New("the server stopped before it listened")
			}
			return err
		case <-time.After(5 * time.Millisecond):
		}
	}
	baseURL := f.baseURL
	if baseURL == "" {
		baseURL = strings.TrimSuffix(srv.URL(), "/") + "/"
	}
	sess := site.NewSession(site.Options{
		Source: osfs.Dir(f.source), Theme: casefile.Theme,
		Profile: f.profile, BaseURL: baseURL, Drafts: f.drafts,
	})
	lp := &liveLoop{
		f: f, sess: sess, srv: srv, stdout: stdout, stderr: stderr, logf: logf,
		later: make(chan *site.Later, 1),
	}
	lp.rebuild(ctx, nil)
	if !f.quiet {
		abs, _ := filepath.Abs(f.source)
		fmt.Fprintf(stdout, "Serving %s at %s (Ctrl-C to stop)\n", abs, srv.URL())
	}
	if ready != nil {
		ready(srv.URL())
	}
	return lp.run(ctx, w.Batches(), w.Errors(), served)
}

// liveLoop is the watch → build → serve cycle of `casefile serve`: each
// batch of changed source paths is rebuilt by the Session, the new site is
// handed to the server and the browsers are told what changed.
type liveLoop struct {
	f              *serveFlags
	sess           *site.Session
	srv            *server.Server
	stdout, stderr io.Writer
	logf           func(format string, args ...any)
	later          chan *site.Later // deferred late files (search index), applied by run
	broken         bool             // the last build failed: the overlay is shown
	warned         map[warning]bool // the warnings of the last good build, printed when they appeared
}

// warning is a warning as told apart across rebuilds: by file and text, not
// position, so that an edit moving it to another line does not print it
// again.
type warning struct{ file, msg, hint string }

// run rebuilds on every batch until ctx ends, the batches end, or the server
// stops (served), applying deferred work as it arrives.
func (lp *liveLoop) run(ctx context.Context, batches <-chan []watch.Event, errs <-chan error, served <-chan error) error {
	for {
		select {
		case <-ctx.Done():
			return <-served
		case err := <-served:
			return err
		case batch, ok := <-batches:
			if !ok {
				return nil
			}
			lp.rebuild(ctx, watch.Paths(batch))
		case err := <-errs:
			lp.logf("casefile: watching: %v", err)
		case l := <-lp.later:
			if u, ok := lp.sess.ApplyDeferred(l); ok {
				lp.srv.SetSite(u.Files)
			}
		}
	}
}

// rebuild builds after changes to paths (nil: everything) and serves the
// result, or shows the errors while the last good site stays served.
func (lp *liveLoop) rebuild(ctx context.Context, paths []string) {
	f, srv, stdout, stderr := lp.f, lp.srv, lp.stdout, lp.stderr
	start := time.Now()
	u, err := lp.sess.Build(ctx, paths)
	if err != nil {
		if errors.Is(err, site.ErrCanceled) {
			return
		}
		var lines []string
		var be *diag.BuildError
		if errors.As(err, &be) {
			for _, d := range be.List {
				lines = append(lines, d.String())
			}
		} else {
			lines = []string{err.Error()}
		}
		if be != nil {
			for _, d := range be.List {
				fmt.Fprintln(stderr, formatDiag(d, f.color))
			}
		} else {
			fmt.Fprintln(stderr, err)
		}
		fmt.Fprintf(stderr, "casefile: build failed; still serving the last good site\n")
		srv.ShowErrors(lines)
		lp.broken = true
		return
	}
	if lp.broken {
		srv.ClearErrors()
		lp.broken = false
	}
	srv.SetSite(u.Files)
	srv.Reload(append(u.Changed, u.Removed...))
	if f.navigate && len(u.Edited) > 0 {
		srv.Navigate(u.Edited[0])
	}
	// Each warning is printed once, when it appears; again only after a
	// build without it.
	warned := map[warning]bool{}
	for _, d := range u.Result.Diagnostics.Warnings() {
		w := warning{d.File, d.Msg, d.Hint}
		if !lp.warned[w] && !f.quiet {
			fmt.Fprintln(stderr, formatDiag(d, f.color))
		}
		warned[w] = true
	}
	lp.warned = warned
	if !f.quiet {
		fmt.Fprintf(stdout, "%s: %d files changed, %d removed, in %s\n", time.Now().Format("15:04:05"), len(u.Changed), len(u.Removed), time.Since(start).Round(time.Millisecond))
	}
	if u.Deferred != nil {
		go func() {
			l, err := u.Deferred()
			if err != nil {
				lp.logf("casefile: %v", err)
				return
			}
			select {
			case lp.later <- l:
			case <-ctx.Done():
			}
		}()
	}
}
