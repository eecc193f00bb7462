package server

import (
	"slices"
	"testing"
)

func TestURLToSite(t *testing.T) {
	ok := map[string]string{
		"/":                         "",
		"/index.html":               "index.html",
		"/incidents/db/":            "incidents/db/",
		"/incidents/db":             "incidents/db",
		"/incidents/caf%C3%A9/":     "incidents/café/",
		"/a%20b.txt":                "a b.txt",
		"/keywords/page/2/":         "keywords/page/2/",
		"/.well-known/security.txt": ".well-known/security.txt",
		"/a..b/":                    "a..b/",
	}
	for in, want := range ok {
		got, valid := urlToSite(in)
		if !valid || got != want {
			t.Errorf("urlToSite(%q) = %q, %v; want %q", in, got, valid, want)
		}
	}
	for _, in := range []string{
		"", "x", "/..", "/../x", "/%2e%2e/x", "/a/..%2fb", "/a%2Fb", "/a%5cb", `/a\b`, "/%00", "/\x00",
		"/a/./b", "/./", "//", "/a//b", "/%zz", "/%c0%ae%c0%ae/", "/%ff", "/a\nb", "/a%0ab", "/a%7f",
	} {
		if got, valid := urlToSite(in); valid {
			t.Errorf("urlToSite(%q) = %q, accepted", in, got)
		}
	}
}

func TestResolve(t *testing.T) {
	files := map[string]bool{"index.html": true, "a/index.html": true, "a/b.css": true, "c": true, "c/index.html": true}
	has := func(n string) bool { return files[n] }
	for _, tc := range []struct {
		in              string
		name            string
		redirect, found bool
	}{
		{"", "index.html", false, true},
		{"a/", "a/index.html", false, true},
		{"a", "a/", true, true},
		{"a/index.html", "a/index.html", false, true},
		{"a/b.css", "a/b.css", false, true},
		{"a/b.css/", "a/b.css/index.html", false, false},
		{"c", "c", false, true}, // a file wins over a folder of the same name
		{"c/", "c/index.html", false, true},
		{"nope", "", false, false},
		{"nope/", "nope/index.html", false, false},
	} {
		name, redirect, found := resolve(has, tc.in)
		if found != tc.found || (found && (name != tc.name || redirect != tc.redirect)) {
			t.Errorf("resolve(%q) = %q, %v, %v; want %q, %v, %v", tc.in, name, redirect, found, tc.name, tc.redirect, tc.found)
		}
	}
}

func TestPageFiles(t *testing.T) {
	files := map[string]bool{"index.html": true, "a/index.html": true, "404.html": true}
	has := func(n string) bool { return files[n] }
	for in, want := range map[string][]string{
		"":             {"index.html"},
		"a/":           {"a/index.html"},
		"a/index.html": {"a/index.html", "a/index.html/index.html"},
		"new/":         {"new/index.html", "404.html"},
		"new":          {"new", "new/index.html", "404.html"},
	} {
		if got := pageFiles(has, in); !slices.Equal(got, want) {
			t.Errorf("pageFiles(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNavigatePath(t *testing.T) {
	for in, want := range map[string]string{
		"incidents/x/":          "/incidents/x/",
		"/incidents/x/":         "/incidents/x/",
		"incidents/x/#faq":      "/incidents/x/#faq",
		"":                      "",
		"https://evil.example/": "",
		"//evil.example/x":      "",
		"javascript:alert(1)":   "",
		"mailto:a@b":            "",
		`\\evil.example`:        "",
		"a\nb":                  "",
		"///x":                  "/x", // same origin
	} {
		got, ok := navigatePath(in)
		if (want == "") == ok || got != want {
			t.Errorf("navigatePath(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestForPage(t *testing.T) {
	watch := []string{"incidents/x/index.html"}
	for _, tc := range []struct {
		ev    Event
		watch []string
		want  Event
		send  bool
	}{
		{Event{Type: EventReload, Paths: []string{"incidents/x/index.html", "feed.xml"}}, watch, Event{Type: EventReload}, true},
		{Event{Type: EventReload, Paths: []string{"incidents/y/index.html"}}, watch, Event{}, false},
		{Event{Type: EventReload, Paths: []string{"incidents/y/index.html", "css/main.css"}}, watch, Event{Type: EventCSS, Paths: []string{"css/main.css"}}, true},
		{Event{Type: EventReload, Paths: []string{"incidents/y/index.html"}}, nil, Event{Type: EventReload}, true},
		{Event{Type: EventCSS, Paths: []string{"css/main.css"}}, watch, Event{Type: EventCSS, Paths: []string{"css/main.css"}}, true},
		{Event{Type: EventNavigate, URL: "/a/"}, watch, Event{Type: EventNavigate, URL: "/a/"}, true},
		{Event{Type: EventError, Errors: []string{"e"}}, watch, Event{Type: EventError, Errors: []string{"e"}}, true},
		{Event{Type: EventClear}, watch, Event{Type: EventClear}, true},
	} {
		got, send := forPage(tc.ev, tc.watch)
		if send != tc.send || (send && (got.Type != tc.want.Type || !slices.Equal(got.Paths, tc.want.Paths) || got.URL != tc.want.URL || !slices.Equal(got.Errors, tc.want.Errors))) {
			t.Errorf("forPage(%+v, %q) = %+v, %v; want %+v, %v", tc.ev, tc.watch, got, send, tc.want, tc.send)
		}
	}
}
