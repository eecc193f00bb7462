package render

import (
	"regexp"
	"sort"
	"strings"
	"text/template/parse"
)

// TemplateLink is a link a template writes as it stands, whatever page it
// renders: an attribute value written out (href="/about/") or a string
// given to .URL or .Abs ({{.URL "timeline/"}}). The build checks that
// those it can resolve name something it made, as it checks links in
// markdown.
type TemplateLink struct {
	File      string // the template file, as diagnostics name it
	Line, Col int
	Dest      string // as written
	SitePath  bool   // Dest is a site-relative path given to .URL or .Abs; else an attribute value
}

// Links returns the links written in the theme's templates, in file order.
func (t *Templates) Links() []TemplateLink { return t.links }

// linkAttr finds an attribute whose value is a URL, written out in full
// within template text: quoted without an action inside, or unquoted.
var linkAttr = regexp.MustCompile(`(?i)(?:^|[\s"'])(?:href|src|action|formaction|poster)\s*=\s*(?:"([^"{}]*)"|'([^'{}]*)'|([^\s"'=<>{}` + "`" + `]+))`)

// templateLinks parses the template file text and returns its links. It
// parses the text again on its own, functions unchecked: html/template
// rewrites the trees it executes.
func templateLinks(file, name, text string) []TemplateLink {
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(text, "", "", trees); err != nil {
		return nil // reported by the real parse
	}
	var out []TemplateLink
	at := func(off int, dest string, site bool) {
		line := 1 + strings.Count(text[:off], "\n")
		col := off - strings.LastIndexByte(text[:off], '\n')
		out = append(out, TemplateLink{File: file, Line: line, Col: col, Dest: dest, SitePath: site})
	}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.TextNode:
			s := string(n.Text)
			for _, m := range linkAttr.FindAllStringSubmatchIndex(s, -1) {
				for g := 2; g < len(m); g += 2 {
					if m[g] >= 0 {
						at(int(n.Position())+m[g], s[m[g]:m[g+1]], false)
					}
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 && linkMethod(n.Args[0]) {
				if s, ok := n.Args[1].(*parse.StringNode); ok {
					at(int(s.Position()), s.Text, true)
				}
			}
			for _, a := range n.Args {
				if p, ok := a.(*parse.PipeNode); ok {
					walk(p)
				}
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, t := range trees {
		if t.Root != nil {
			walk(t.Root)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return out
}

// linkMethod reports whether n names the URL or Abs method of a page:
// .URL, $.URL, $.Page.URL, .Abs.
func linkMethod(n parse.Node) bool {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	}
	if len(idents) == 0 {
		return false
	}
	last := idents[len(idents)-1]
	return last == "URL" || last == "Abs"
}
