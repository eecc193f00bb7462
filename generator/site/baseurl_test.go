package site_test

import (
	"context"
	"strings"
	"testing"

	"casefile"
	"casefile/generator/internal/sitetest"
	"casefile/generator/output"
	"casefile/generator/site"
)

// TestBaseURLFlagWithUserinfo: --base-url with a user name or password
// (or a query) is refused, as base_url in the config is: every page would
// publish it.
func TestBaseURLFlagWithUserinfo(t *testing.T) {
	src := sitetest.FS(oneIncident)
	for _, u := range []string{"https://u:p@kb.example.org/", "https://admin@kb.example.org/", "https://kb.example.org/?a=1"} {
		_, err := site.Build(context.Background(), site.Options{Source: src, Theme: casefile.Theme, Out: output.NewMemory(), BaseURL: u})
		if err == nil || !strings.Contains(err.Error(), "must have no user name, password, query or fragment") {
			t.Errorf("--base-url %s: %v", u, err)
		}
	}
}
