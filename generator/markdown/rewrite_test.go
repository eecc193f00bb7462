package markdown

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// TestRewriteSource: the destinations rewrite changes are written anew in
// the source, and nothing else changes: inline links and images, the
// reference definitions links use, <autolinks> and bare URLs (which become
// links), in lists, quotes, footnotes and internal blocks; code, and links
// rewrite keeps, stay as written.
func TestRewriteSource(t *testing.T) {
	src := "# Title [a](/x/)\n\n" +
		"Text [inline](/x/#frag \"title\"), ![img](/x/img.png), [angle](</x/ y/>), [kept](/keep/),\n" +
		"[ref][r], [ref again][r], [collapsed][], <https://site.example/x/> and https://site.example/x/ bare.\n\n" +
		"`[code](/x/)` and\n\n    [indented code](/x/)\n\n" +
		"> - [quoted](/x/)\n\n" +
		"Note[^1].\n\n[^1]: In a [footnote](/x/).\n\n" +
		"::: internal\n[internal](/x/)\n:::\n\n" +
		"[r]: /x/ \"ref title\"\n[collapsed]: </x/>\n[unused]: /x/\n"
	r := New(Options{Internal: true})
	var seen []string
	rw := DocOptions{RewriteSource: func(dest string) (string, bool) {
		seen = append(seen, dest)
		if strings.Contains(dest, "/keep/") {
			return "", false
		}
		return strings.Replace(dest, "/x/", "new (1).md", 1), true
	}}
	doc, err := r.RenderDoc([]byte(src), rw)
	if err != nil {
		t.Fatal(err)
	}
	out := doc.Source
	want := "# Title [a](new%20\\(1\\).md)\n\n" +
		"Text [inline](new%20\\(1\\).md#frag \"title\"), ![img](new%20\\(1\\).mdimg.png), [angle](<new%20\\(1\\).md%20y/>), [kept](/keep/),\n" +
		"[ref][r], [ref again][r], [collapsed][], [https://site.example/x/](https://site.examplenew%20\\(1\\).md) and [https://site.example/x/](https://site.examplenew%20\\(1\\).md) bare.\n\n" +
		"`[code](/x/)` and\n\n    [indented code](/x/)\n\n" +
		"> - [quoted](new%20\\(1\\).md)\n\n" +
		"Note[^1].\n\n[^1]: In a [footnote](new%20\\(1\\).md).\n\n" +
		"::: internal\n[internal](new%20\\(1\\).md)\n:::\n\n" +
		"[r]: new%20\\(1\\).md \"ref title\"\n[collapsed]: <new%20\\(1\\).md>\n[unused]: /x/\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// The rewritten source renders the new destinations.
	res, err := r.Render(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Links {
		if strings.Contains(l.Dest, "/x/") {
			t.Errorf("link %q not rewritten", l.Dest)
		}
	}
	if len(seen) == 0 {
		t.Fatal("rewrite never called")
	}
	// The same in a fragment; nothing rewritten: no Source.
	frag, err := r.RenderFragmentDoc([]byte("[a](/x/) and [b](/keep/)"), rw)
	if err != nil || string(frag.Source) != "[a](new%20\\(1\\).md) and [b](/keep/)" {
		t.Errorf("fragment: %q, %v", frag.Source, err)
	}
	if frag, _ := r.RenderFragmentDoc([]byte("[b](/keep/), no more"), rw); frag.Source != nil {
		t.Errorf("nothing rewritten, yet Source %q", frag.Source)
	}
	// The HTML is what it is without RewriteSource.
	if plain, _ := r.Render([]byte(src)); plain.HTML != doc.HTML {
		t.Errorf("RewriteSource changed the HTML")
	}
}

// TestEscapeText: plain text written by EscapeText renders as itself, in
// any block it starts, with no markup (a bare URL may still be linked, as
// GFM links URLs in text).
func TestEscapeText(t *testing.T) {
	r := New(Options{UnsafeHTML: true})
	tags := regexp.MustCompile(`<[^>]*>`)
	anchor := regexp.MustCompile(`<a class="anchor"[^>]*>#</a>`)
	for _, s := range []string{
		"<img src=x onerror=alert(1)>", "*bold* _it_ `code` ~~del~~", "[x](javascript:alert(1))", "![i](y)",
		"# heading #", "- item", "+ item", "1. first", "12) twelfth", "> quote", "a | b | c", "&amp; &#60; &lt;",
		"back\\slash\\", "===", "---", "<https://example.org>", "https://example.org/_a_", "[^1] note", "!", "3.14 is pi",
		"Line\nbreak\ttab  spaces", "日本 — “quotes”", "{#id} {.class}", "::: internal", "<!-- c -->", "<b>x</b>",
	} {
		for _, ctx := range []string{"%s", "# %s", "> %s", "- **date** — %s", "### %s", "| %s |\n|---|\n| x |"} {
			md := strings.Replace(ctx, "%s", EscapeText(s), 1)
			res, err := r.Render([]byte(md))
			if err != nil {
				t.Fatal(err)
			}
			body := anchor.ReplaceAllString(res.HTML, "")
			if strings.HasPrefix(ctx, "|") {
				body = body[strings.Index(body, "<th>"):strings.Index(body, "</th>")]
			}
			got := strings.TrimSpace(html.UnescapeString(tags.ReplaceAllString(body, "")))
			got = strings.TrimPrefix(got, "date — ")
			want := strings.Join(strings.Fields(s), " ")
			if got != want {
				t.Errorf("%q in %q shows %q, want %q (html %q)", s, ctx, got, want, res.HTML)
			}
			for _, tag := range []string{"<img", "<em", "<strong>" + want[:1], "<code", "<del", "<b>", "<!--", "<ol", "<ul>\n<li>" + want[:1], "<blockquote>\n<blockquote", "<h2", "<hr", "<sup"} {
				if tag == "<ul>\n<li><" && strings.HasPrefix(ctx, "- **date**") {
					continue // the item starts with <strong>date</strong>
				}
				if strings.Contains(body, tag) {
					t.Errorf("%q in %q renders %q: %s", s, ctx, tag, res.HTML)
				}
			}
			if strings.Contains(body, "<a href") && !strings.Contains(s, "://") {
				t.Errorf("%q in %q renders a link: %s", s, ctx, res.HTML)
			}
		}
	}
}
