package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"casefile"
	"casefile/generator/output"
	"casefile/generator/site"
)

// repoRoot is the repository's root folder: the sample knowledge base and
// the module.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from the test's folder: %v", err)
	}
	return root
}

// writeFixture writes the suite's knowledge base into a new temporary
// folder: the repository's sample (casefile.yaml and content/) with
// paginate: 2, and testdata/fixture.txtar's incidents.
func writeFixture(t testing.TB) string {
	t.Helper()
	root := repoRoot(t)
	dir := t.TempDir()
	cfg, err := os.ReadFile(filepath.Join(root, "casefile.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, "\n# e2e: listings of two, so a keyword of three incidents has two pages.\npaginate: 2\n"...)
	if err := os.WriteFile(filepath.Join(dir, "casefile.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "content")
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying the sample knowledge base: %v", err)
	}
	a, err := txtar.ParseFile(filepath.Join("testdata", "fixture.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fixtureFile returns one file of testdata/fixture.txtar.
func fixtureFile(t testing.TB, name string) string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "fixture.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	t.Fatalf("%s is not in testdata/fixture.txtar", name)
	return ""
}

// saveFile replaces a file the way editors that save atomically do (write
// a temporary file, rename it over the old one), so a watcher never sees
// it half written.
func saveFile(t testing.TB, path, data string) {
	t.Helper()
	tmp := path + ".e2e.tmp" // *.tmp: ignored by the watcher
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// servedSite is a site built into a folder and served over HTTP.
type servedSite struct {
	URL string // ends with "/"
	Dir string
}

// buildAndServe builds the knowledge base in src with the real pipeline
// (site.Build into output.NewDir) and serves the folder with a plain static
// file server, as a web host would. The base URL is the server's, so
// canonical and absolute links stay on it.
func buildAndServe(t testing.TB, src string) servedSite {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	dir, err := output.NewDir(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := site.Build(context.Background(), site.Options{
		Source: os.DirFS(src), Theme: casefile.Theme, Out: dir, BaseURL: srv.URL + "/",
	})
	if err != nil {
		dir.Abort()
		t.Fatalf("build: %v", err)
	}
	if err := dir.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		t.Logf("build: %s", d)
	}
	return servedSite{URL: srv.URL + "/", Dir: out}
}

// The casefile binary, built once per test run (go build, into a temporary
// folder) for the tests that run the CLI: `casefile serve` and the internal
// export. TestMain starts the build early when a browser is there, so it
// overlaps with the first tests.
var bin struct {
	once   sync.Once
	ctx    context.Context // cancelled by stopBinary, which ends a build still running
	cancel context.CancelFunc
	dir    string
	path   string
	err    error
}

func init() { bin.ctx, bin.cancel = context.WithCancel(context.Background()) }

func buildBinary() {
	bin.once.Do(func() {
		bin.dir, bin.err = os.MkdirTemp("", "casefile-e2e-bin-")
		if bin.err != nil {
			return
		}
		root, err := filepath.Abs(filepath.Join("..", "..", ".."))
		if err != nil {
			bin.err = err
			return
		}
		bin.path = filepath.Join(bin.dir, "casefile")
		// Built as the test binary is (with -race when it is, and without
		// the PGO profile, which only the release binary needs), so the
		// packages come from the build cache and only main is compiled.
		args := []string{"build", "-pgo=off", "-o", bin.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.CommandContext(bin.ctx, "go", append(args, "./generator/cmd/casefile")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			bin.err = fmt.Errorf("go build ./generator/cmd/casefile: %v\n%s", err, out)
		}
	})
}

// casefileBinary returns the path of the built binary.
func casefileBinary(t testing.TB) string {
	t.Helper()
	buildBinary()
	if bin.err != nil {
		t.Fatal(bin.err)
	}
	return bin.path
}

// stopBinary ends a build still running (no test needed it), waits for it,
// and removes the binary.
func stopBinary() {
	bin.cancel()
	bin.once.Do(func() {}) // waits for a build in progress
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
}

// syncBuffer collects a subprocess's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runCLI runs the casefile binary to completion and fails the test if it
// fails.
func runCLI(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(casefileBinary(t), args...)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "DATA RACE") {
		t.Fatalf("casefile %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// previewServer is a running `casefile serve`.
type previewServer struct {
	URL    string // "http://127.0.0.1:PORT/"
	Stderr *syncBuffer
}

var servingRE = regexp.MustCompile(`Serving .* at (http://\S+/) \(`)

// startServe runs `casefile serve -s src --port 0` (a free port) and waits
// for the line that gives its URL. The server is interrupted (as Ctrl-C
// does) when the test ends.
func startServe(t testing.TB, src string) previewServer {
	t.Helper()
	cmd := exec.Command(casefileBinary(t), "serve", "-s", src, "--port", "0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("casefile serve: %v\n%s", err, stderr)
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("casefile serve did not stop within 30 s of an interrupt\n%s", stderr)
		}
		if strings.Contains(stderr.String(), "DATA RACE") {
			t.Errorf("casefile serve reported a data race:\n%s", stderr)
		}
	})

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return previewServer{URL: u, Stderr: stderr}
	case err := <-exited:
		exited <- err
		t.Fatalf("casefile serve exited before serving: %v\n%s", err, stderr)
	case <-time.After(2 * time.Minute):
		t.Fatalf("casefile serve printed no URL within 2 minutes\n%s", stderr)
	}
	return previewServer{}
}
