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
	"time"

	"casefile"
	"casefile/generator/diag"
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
	baseURL := f.baseURL
	if baseURL == "" {
		baseURL = "http://" + addr + "/"
	}
	sess := site.NewSession(site.Options{
		Source: os.DirFS(f.source), Theme: casefile.Theme,
		Profile: f.profile, BaseURL: baseURL, Drafts: f.drafts,
	})
	w, err := watch.New(watch.Options{Root: f.source})
	if err != nil {
		return fmt.Errorf("cannot watch %s: %w", f.source, err)
	}
	defer w.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx) }()

	later := make(chan *site.Later, 1)
	broken := false
	rebuild := func(paths []string) {
		start := time.Now()
		u, err := sess.Build(ctx, paths)
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
			for _, l := range lines {
				fmt.Fprintln(stderr, l)
			}
			fmt.Fprintf(stderr, "casefile: build failed; still serving the last good site\n")
			srv.ShowErrors(lines)
			broken = true
			return
		}
		if broken {
			srv.ClearErrors()
			broken = false
		}
		srv.SetSite(u.Files)
		srv.Reload(append(u.Changed, u.Removed...))
		if f.navigate && len(u.Edited) > 0 {
			srv.Navigate(u.Edited[0])
		}
		if !f.quiet {
			for _, d := range u.Result.Diagnostics.Warnings() {
				fmt.Fprintln(stderr, d)
			}
			fmt.Fprintf(stdout, "%s: %d files changed, %d removed, in %s\n", time.Now().Format("15:04:05"), len(u.Changed), len(u.Removed), time.Since(start).Round(time.Millisecond))
		}
		if u.Deferred != nil {
			go func() {
				l, err := u.Deferred()
				if err != nil {
					logf("casefile: %v", err)
					return
				}
				select {
				case later <- l:
				case <-ctx.Done():
				}
			}()
		}
	}

	rebuild(nil)
	if ready != nil || !f.quiet {
		// Wait for the listener so the URL is known.
		for i := 0; i < 200 && srv.URL() == ""; i++ {
			select {
			case err := <-served:
				return err
			case <-time.After(5 * time.Millisecond):
			}
		}
		if !f.quiet {
			abs, _ := filepath.Abs(f.source)
			fmt.Fprintf(stdout, "Serving %s at %s (Ctrl-C to stop)\n", abs, srv.URL())
		}
		if ready != nil {
			ready(srv.URL())
		}
	}
	for {
		select {
		case <-ctx.Done():
			return <-served
		case err := <-served:
			return err
		case batch, ok := <-w.Batches():
			if !ok {
				return nil
			}
			rebuild(watch.Paths(batch))
		case err := <-w.Errors():
			logf("casefile: watching: %v", err)
		case l := <-later:
			if u, ok := sess.ApplyDeferred(l); ok {
				srv.SetSite(u.Files)
			}
		}
	}
}
