package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"casefile/generator/diag"
)

func TestUseColor(t *testing.T) {
	tty, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0) // a character device, as a terminal is
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if !useColor(tty, getenv) {
		t.Error("no colour on a character device")
	}
	env["NO_COLOR"] = "1"
	if useColor(tty, getenv) {
		t.Error("colour despite NO_COLOR")
	}
	delete(env, "NO_COLOR")
	env["TERM"] = "dumb"
	if useColor(tty, getenv) {
		t.Error("colour on TERM=dumb")
	}
	delete(env, "TERM")
	if useColor(&bytes.Buffer{}, getenv) {
		t.Error("colour into a buffer")
	}
	f, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if useColor(f, getenv) {
		t.Error("colour into a regular file")
	}
}

func TestFormatDiag(t *testing.T) {
	e := diag.Diagnostic{File: "content/incidents/a.md", Line: 3, Col: 7, Severity: diag.Error, Msg: "bad: really", Hint: "fix it"}
	if got := formatDiag(e, false); got != e.String() {
		t.Errorf("plain: %q", got)
	}
	got := formatDiag(e, true)
	if want := ansiBold + "content/incidents/a.md:3:7:" + ansiReset + " " + ansiRed + ansiBold + "error:" + ansiReset + " bad: really; fix it"; got != want {
		t.Errorf("colour:\n got %q\nwant %q", got, want)
	}
	w := diag.Diagnostic{File: "casefile.yaml", Severity: diag.Warning, Msg: "m"}
	if got := formatDiag(w, true); !strings.Contains(got, ansiYellow) || strings.Contains(got, ansiRed) {
		t.Errorf("warning colour: %q", got)
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := newProgress(&buf, false, func() time.Time { return now })
	p.update("load", 0, 0)
	p.update("render", 10, 100)
	if buf.Len() != 0 {
		t.Fatalf("drawn before showAfter: %q", buf.String())
	}
	now = now.Add(500 * time.Millisecond)
	p.update("render", 50, 100)
	if !strings.HasSuffix(buf.String(), "render   "+strings.Repeat("█", 15)+strings.Repeat("░", 15)+"  50% 50/100 files  0.5s") {
		t.Errorf("frame: %q", buf.String())
	}
	n := buf.Len()
	now = now.Add(10 * time.Millisecond)
	p.update("render", 51, 100) // within the redraw interval: skipped
	if buf.Len() != n {
		t.Errorf("redrawn too soon: %q", buf.String()[n:])
	}
	p.update("render", 100, 100) // the last file always shows
	p.update("search", 0, 0)     // so does a new stage
	if got := buf.String()[n:]; !strings.Contains(got, "100%") || !strings.HasSuffix(got, "\r\x1b[Ksearch   0.5s") {
		t.Errorf("frames: %q", got)
	}
	p.finish()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("not erased: %q", buf.String())
	}
	n = buf.Len()
	p.finish()
	if buf.Len() != n {
		t.Error("erased twice")
	}
}

// A build into a pipe or file shows no bar and no colour.
func TestBuildOutputPlainWhenNotATerminal(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident, "content/incidents/w.md": strings.Replace(goodIncident, "keywords: [k]", "keywords: [k]\nsumary: typo", 1)})
	code, out, errOut := runCLI("build", "-s", src)
	if code != 0 {
		t.Fatalf("build: %d %s", code, errOut)
	}
	if !strings.Contains(errOut, "warning: unknown key `sumary`") || strings.ContainsAny(errOut+out, "\r\x1b") {
		t.Errorf("stderr %q stdout %q", errOut, out)
	}
}
