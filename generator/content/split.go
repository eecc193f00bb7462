package content

import (
	"bytes"
	"fmt"

	"casefile/generator/diag"
)

// FrontMatter is the raw front matter of a file.
type FrontMatter struct {
	Format string // "yaml" (between `---` lines) or "toml" (between `+++` lines)
	Data   []byte // the text between the delimiter lines, LF line endings
	Line   int    // 1-based line of the file where Data starts
}

var bom = []byte("\uFEFF")

// Normalize drops a leading UTF-8 byte order mark and turns CRLF and lone
// CR line endings into LF, which keeps line numbers as editors count them.
// It returns src itself when there is nothing to change.
func Normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, bom)
	if bytes.IndexByte(src, '\r') < 0 {
		return src
	}
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\r' {
			c = '\n'
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
		}
		out = append(out, c)
	}
	return out
}

// Split separates the front matter of src from its markdown body. The file
// must start with a line `---` (YAML) or `+++` (TOML) and the front matter
// ends at the next line holding the same delimiter, which may be the last
// line of the file. A leading BOM is dropped and line endings become LF in
// both parts. bodyLine is the 1-based line where body starts.
//
// A missing or unclosed front matter is an error of type diag.Diagnostic
// whose File is empty and whose Line and Col point at the problem.
func Split(src []byte) (fm FrontMatter, body []byte, bodyLine int, err error) {
	src = Normalize(src)
	first, rest, _ := bytes.Cut(src, []byte{'\n'})
	delim := string(bytes.TrimRight(first, " \t"))
	switch delim {
	case "---":
		fm.Format = "yaml"
	case "+++":
		fm.Format = "toml"
	default:
		return fm, nil, 0, noFrontMatter(src)
	}
	fm.Line = 2
	for off, line := 0, 2; off <= len(rest); line++ {
		end := bytes.IndexByte(rest[off:], '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(rest)-off, len(rest)+1
		}
		if string(bytes.TrimRight(rest[off:off+end], " \t")) == delim {
			fm.Data = rest[:off]
			body = rest[min(next, len(rest)):]
			return fm, body, line + 1, nil
		}
		off = next
	}
	return fm, nil, 0, diag.Diagnostic{Line: 1, Col: 1, Severity: diag.Error,
		Msg:  fmt.Sprintf("front matter starts with `%s` on line 1 but is never closed", delim),
		Hint: fmt.Sprintf("add a line `%s` after the last field", delim)}
}

func noFrontMatter(src []byte) error {
	d := diag.Diagnostic{Line: 1, Col: 1, Severity: diag.Error,
		Msg:  "the file has no front matter",
		Hint: "start the file with a line `---`, then `title:`, `date:` and the other fields, then a line `---`"}
	switch trimmed := bytes.TrimLeft(src, " \t\n"); {
	case len(trimmed) == 0:
		d.Msg = "the file is empty"
	case bytes.HasPrefix(src, []byte("---")) || bytes.HasPrefix(src, []byte("+++")):
		d.Msg = "the first line must be exactly `---` (or `+++` for TOML)"
		d.Hint = "put the first field on its own line after the delimiter"
	case bytes.HasPrefix(trimmed, []byte("---")) || bytes.HasPrefix(trimmed, []byte("+++")):
		d.Line = 1 + bytes.Count(src[:len(src)-len(trimmed)], []byte{'\n'})
		d.Msg = "front matter must start on the first line"
		d.Hint = "remove everything before the opening delimiter line"
	}
	return d
}
