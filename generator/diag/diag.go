// Package diag holds the diagnostics every build stage reports: a position in a
// source file, a severity, what is wrong and how to fix it.
//
// Stages collect diagnostics into a List instead of stopping at the first
// problem, so one run reports every broken file.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a diagnostic fails the build.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText lets diagnostics encode as JSON with readable severities.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem found in one file.
type Diagnostic struct {
	File     string   `json:"file"` // slash path relative to the knowledge-base root
	Line     int      `json:"line"` // 1-based; 0 when the whole file is meant
	Col      int      `json:"col"`  // 1-based; 0 when unknown or the whole file is meant
	Severity Severity `json:"severity"`
	Msg      string   `json:"message"`        // what is wrong
	Hint     string   `json:"hint,omitempty"` // how to fix it
}

// String formats the diagnostic as "file:line:col: severity: message (hint)",
// the shape editors and CI annotators understand.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString("; ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// Error makes a Diagnostic usable as an error.
func (d Diagnostic) Error() string { return d.String() }

// List is an ordered collection of diagnostics.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errorf appends an error at file:line:col.
func (l *List) Errorf(file string, line, col int, hint, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Col: col, Severity: Error, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Warnf appends a warning at file:line:col.
func (l *List) Warnf(file string, line, col int, hint, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Col: col, Severity: Warning, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Append adds every diagnostic of other.
func (l *List) Append(other List) { *l = append(*l, other...) }

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool { return l.Count(Error) > 0 }

// Count returns how many diagnostics have severity s.
func (l List) Count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Errors returns only the errors.
func (l List) Errors() List { return l.filter(Error) }

// Warnings returns only the warnings.
func (l List) Warnings() List { return l.filter(Warning) }

func (l List) filter(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders diagnostics by file, line and column so output is stable
// whatever order concurrent stages found them in.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns the list as an error when it holds at least one error, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return &BuildError{List: l.Errors()}
}

// String lists every diagnostic, one per line.
func (l List) String() string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// BuildError is returned when a stage found errors; it carries all of them.
type BuildError struct{ List List }

func (e *BuildError) Error() string {
	n := len(e.List)
	s := strings.TrimRight(e.List.String(), "\n")
	if n == 1 {
		return s
	}
	return fmt.Sprintf("%d errors:\n%s", n, s)
}
