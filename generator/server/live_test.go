package server

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLiveJS runs live.js under node against a fake DOM
// (testdata/live_harness.js): reload, stylesheet swap, navigation, the error
// overlay (built without innerHTML) and reconnecting. Skipped without node,
// unless CI=true.
func TestLiveJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is needed for the live.js tests (CI=true)")
		}
		t.Skip("node not found; the live.js tests need it")
	}
	cmd := exec.Command(node, "testdata/live_harness.js", "live.js")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || strings.TrimSpace(out.String()) != "ok" {
		t.Fatalf("node: %v\n%s", err, out.String())
	}
}

// TestLiveJSSafe keeps the script within the site's CSP and away from HTML
// parsing of messages.
func TestLiveJSSafe(t *testing.T) {
	src := string(liveJS)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'", `setAttribute("style"`} {
		if strings.Contains(src, bad) {
			t.Errorf("live.js uses %s", bad)
		}
	}
	for _, want := range []string{eventsURL, "EventSource", "alertdialog", "textContent"} {
		if !strings.Contains(src, want) {
			t.Errorf("live.js lacks %s", want)
		}
	}
}
