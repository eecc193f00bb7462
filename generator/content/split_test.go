package content

import (
	"errors"
	"testing"

	"casefile/generator/diag"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, src        string
		format, data     string
		fmLine, bodyLine int
		body             string
		err              string // substring of the error's String(); "" for success
		errLine          int
	}{
		{name: "yaml", src: "---\ntitle: A\n---\nBody\n", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: "Body\n"},
		{name: "toml", src: "+++\ntitle = \"A\"\n+++\nBody", format: "toml", data: "title = \"A\"\n", fmLine: 2, bodyLine: 4, body: "Body"},
		{name: "bom", src: "\uFEFF---\ntitle: A\n---\nBody\n", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: "Body\n"},
		{name: "crlf", src: "---\r\ntitle: A\r\n---\r\nOne\r\nTwo\r\n", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: "One\nTwo\n"},
		{name: "lone cr", src: "---\rtitle: A\r---\rOne\r", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: "One\n"},
		{name: "empty body", src: "---\ntitle: A\n---\n", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: ""},
		{name: "front matter only, no final newline", src: "---\ntitle: A\n---", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: ""},
		{name: "empty front matter", src: "---\n---\nx", format: "yaml", data: "", fmLine: 2, bodyLine: 3, body: "x"},
		{name: "trailing blanks on delimiters", src: "--- \ntitle: A\n---\t\nB", format: "yaml", data: "title: A\n", fmLine: 2, bodyLine: 4, body: "B"},
		{name: "rule inside body", src: "---\na: 1\n---\nx\n\n---\n\ny\n", format: "yaml", data: "a: 1\n", fmLine: 2, bodyLine: 4, body: "x\n\n---\n\ny\n"},
		{name: "toml ignores yaml delimiter", src: "+++\na = 1\n---\nb = 2\n+++\n", format: "toml", data: "a = 1\n---\nb = 2\n", fmLine: 2, bodyLine: 6, body: ""},
		{name: "delimiter needs its own line", src: "---\na: ---\n---\n", format: "yaml", data: "a: ---\n", fmLine: 2, bodyLine: 4, body: ""},
		{name: "unclosed yaml", src: "---\ntitle: A\n\nBody\n", err: "front matter starts with `---` on line 1 but is never closed; add a line `---` after the last field", errLine: 1},
		{name: "unclosed toml", src: "+++\ntitle = 'A'\n---\n", err: "starts with `+++` on line 1 but is never closed; add a line `+++`", errLine: 1},
		{name: "only opening", src: "---", err: "never closed", errLine: 1},
		{name: "no front matter", src: "# Title\n\ntext\n", err: "the file has no front matter; start the file with a line `---`", errLine: 1},
		{name: "empty file", src: "", err: "the file is empty", errLine: 1},
		{name: "blank lines before", src: "\n\n---\na: 1\n---\n", err: "front matter must start on the first line", errLine: 3},
		{name: "field on delimiter line", src: "---title: A\n---\n", err: "the first line must be exactly `---`", errLine: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, body, bodyLine, err := Split([]byte(tt.src))
			if tt.err != "" {
				var d diag.Diagnostic
				if !errors.As(err, &d) {
					t.Fatalf("err = %v (%T), want a diag.Diagnostic", err, err)
				}
				if !contains(d.String(), tt.err) || d.Line != tt.errLine || d.Severity != diag.Error {
					t.Fatalf("err = %q (line %d), want %q on line %d", d.String(), d.Line, tt.err, tt.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fm.Format != tt.format || string(fm.Data) != tt.data || fm.Line != tt.fmLine {
				t.Errorf("fm = {%s %q %d}, want {%s %q %d}", fm.Format, fm.Data, fm.Line, tt.format, tt.data, tt.fmLine)
			}
			if string(body) != tt.body || bodyLine != tt.bodyLine {
				t.Errorf("body = %q at line %d, want %q at line %d", body, bodyLine, tt.body, tt.bodyLine)
			}
		})
	}
}
