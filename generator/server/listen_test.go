package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// start runs ListenAndServe in the background and waits until it listens.
func start(t *testing.T, s *Server) (url string, cancel func() error) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.ListenAndServe(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for s.URL() == "" {
		select {
		case err := <-errc:
			stop()
			t.Fatalf("ListenAndServe: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatal("server did not start")
		}
		time.Sleep(2 * time.Millisecond)
	}
	return s.URL(), func() error {
		stop()
		select {
		case err := <-errc:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("ListenAndServe did not return")
			return nil
		}
	}
}

func TestListenAndServeShutdown(t *testing.T) {
	base := runtime.NumGoroutine()
	logs := &logBuf{}
	s := New(Options{Addr: "127.0.0.1:0", Logf: logs.logf})
	s.SetSite(testFiles())
	url, stop := start(t, s)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("URL %q", url)
	}
	if logs.String() != "" {
		t.Errorf("loopback bind logged %q", logs.String())
	}

	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	resp, err := client.Get(url + "incidents/db/")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || !strings.Contains(string(b), "DB disk full") {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	resp.Body.Close()

	stream, err := client.Get(url + "__casefile/events?page=%2F")
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stream.Body)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "retry:") {
		t.Fatalf("stream start %q, %v", line, err)
	}

	began := time.Now()
	if err := stop(); err != nil {
		t.Errorf("ListenAndServe = %v, want nil", err)
	}
	t.Logf("shutdown took %v", time.Since(began))
	if d := time.Since(began); d > shutdownGrace/2 {
		t.Errorf("shutdown took %v: the event stream held it up", d)
	}
	if _, err := io.ReadAll(r); err != nil {
		t.Errorf("stream did not end cleanly: %v", err)
	}
	stream.Body.Close()
	tr.CloseIdleConnections()
	if s.URL() != "" {
		t.Errorf("URL after shutdown: %q", s.URL())
	}
	if _, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"), time.Second); err == nil {
		t.Error("still listening")
	}

	// No goroutine left behind (tolerant: the runtime and testing keep a few).
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= base+1 {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}

	// The server can serve again after a shutdown, streams included.
	url, stop = start(t, s)
	stream, err = client.Get(url + "__casefile/events")
	if err != nil {
		t.Fatal(err)
	}
	r = bufio.NewReader(stream.Body)
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "retry:") {
		t.Errorf("second run stream %q", line)
	}
	if err := stop(); err != nil {
		t.Errorf("second run: %v", err)
	}
	stream.Body.Close()
	tr.CloseIdleConnections()
}

func TestListenBeyondLoopbackWarns(t *testing.T) {
	logs := &logBuf{}
	s := New(Options{Addr: "0.0.0.0:0", Logf: logs.logf})
	url, stop := start(t, s)
	if !strings.HasPrefix(url, "http://localhost:") {
		t.Errorf("URL %q", url)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
	if !strings.Contains(logs.String(), "warning: listening on 0.0.0.0:") {
		t.Errorf("no warning: %q", logs.String())
	}
}

func TestListenAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := New(Options{Addr: ln.Addr().String()})
	if err := s.ListenAndServe(context.Background()); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("ListenAndServe on a taken port: %v", err)
	}
}

func TestListenCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := New(Options{Addr: "127.0.0.1:0"})
	if err := s.ListenAndServe(ctx); err != nil {
		t.Errorf("ListenAndServe with a done context: %v", err)
	}
}
