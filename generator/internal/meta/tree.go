// Package meta turns YAML and TOML documents (front matter, site config) into
// one tree whose every key and value knows its line and column in the real
// file, and helps decode that tree field by field into diagnostics that say
// where the problem is and how to fix it.
package meta

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"go.yaml.in/yaml/v3"

	"casefile/generator/diag"
)

// Kind is the shape of a Node.
type Kind uint8

// Node kinds.
const (
	Null   Kind = iota // an empty value (`key:` in YAML)
	Scalar             // text, number, boolean or date/time
	Map                // key/value pairs, in document order
	List               // items
)

// Scalar tags: what the source language made of a scalar.
const (
	TagStr   = "str"
	TagInt   = "int"
	TagFloat = "float"
	TagBool  = "bool"
	TagTime  = "time" // a YAML timestamp or any TOML date/time; Value is the raw text
	TagOther = "other"
)

// Node is one value of a decoded document. Lines and columns are 1-based and
// point into the real file, not into the extracted document.
type Node struct {
	Kind      Kind
	Tag       string // for scalars, one of the Tag constants
	Value     string // for scalars: the decoded string, or the raw literal for numbers, booleans and times
	Line, Col int
	Pairs     []Pair  // for Map
	Items     []*Node // for List
}

// Pair is one key/value pair of a Map node. Key is always a Scalar.
type Pair struct {
	Key, Value *Node
}

// Describe names the node's shape for messages: "a list", "a mapping", ...
func (n *Node) Describe() string {
	switch n.Kind {
	case Map:
		return "a mapping"
	case List:
		return "a list"
	case Null:
		return "empty"
	}
	switch n.Tag {
	case TagInt, TagFloat:
		return "a number"
	case TagBool:
		return "a boolean"
	case TagTime:
		return "a date"
	}
	return "text"
}

// Get returns the value of key in a Map node, or nil.
func (n *Node) Get(key string) *Node {
	for _, p := range n.Pairs {
		if p.Key.Value == key {
			return p.Value
		}
	}
	return nil
}

// lineCount returns the number of lines of data (a final line without
// newline counts; an empty document has one line).
func lineCount(data []byte) int { return bytes.Count(data, []byte{'\n'}) + 1 }

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseYAML parses data, which starts on line first of file, into a tree.
// An empty document gives an empty Map. Syntax errors, duplicate keys and
// non-text keys are returned as diagnostics; the tree is nil when the
// document could not be parsed at all.
func ParseYAML(file string, data []byte, first int) (root *Node, diags diag.List) {
	var doc yaml.Node
	if err := unmarshalYAML(data, &doc); err != nil {
		line, msg := first, err.Error()
		if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			msg = m[2]
			if parserError(msg) {
				n++ // yaml reports 0-based lines for parser (not scanner) errors
			}
			line = first + clamp(n, 1, lineCount(bytes.TrimRight(data, "\n"))) - 1
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		hint := "check the indentation and quoting around this line; values containing `: ` or starting with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `@` or a backtick need quotes"
		if strings.Contains(msg, "end of stream") {
			hint = "a quote, bracket or brace opened before this line is never closed"
		}
		diags.Errorf(file, line, 0, hint, "invalid YAML: %s", msg)
		return nil, diags
	}
	c := yamlConv{file: file, first: first, lines: lineCount(data), diags: &diags}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &Node{Kind: Map, Line: first, Col: 1}, diags
	}
	root = c.conv(doc.Content[0], 0)
	if root.Kind == Null {
		root = &Node{Kind: Map, Line: first, Col: 1}
	}
	return root, diags
}

// parserError reports whether a yaml error message comes from its parser,
// whose line numbers are 0-based, rather than from its scanner.
func parserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found undefined tag handle", "found duplicate %", "found incompatible YAML"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func unmarshalYAML(data []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil { // never let a parser bug take a build down
			err = fmt.Errorf("yaml: the YAML parser failed (%v)", r)
		}
	}()
	return yaml.Unmarshal(data, doc)
}

type yamlConv struct {
	file         string
	first, lines int
	diags        *diag.List
	seen         map[*yaml.Node]*Node // converted anchors, so aliases stay linear
	merged       int                  // values copied by merge keys so far
}

// MaxMerged bounds the values merge keys (`<<: *base`) copy in one file.
// Each merge copies the pairs of the mapping it merges, so one mapping of a
// thousand keys merged a thousand times (a line of aliases) made a million
// pairs: 13 KB of front matter took seconds, and the work grew with the
// square of the file. Settings shared this way take a few dozen.
const MaxMerged = 10_000

// maxDepth bounds nesting; no front matter or config needs more.
const maxDepth = 100

func (c *yamlConv) conv(y *yaml.Node, depth int) *Node {
	if y.Kind == yaml.AliasNode && y.Alias != nil {
		return c.conv(y.Alias, depth)
	}
	if n, ok := c.seen[y]; ok {
		return n
	}
	n := &Node{Line: c.first + clamp(y.Line, 1, c.lines) - 1, Col: max(y.Column, 1)}
	if y.Anchor != "" {
		if c.seen == nil {
			c.seen = map[*yaml.Node]*Node{}
		}
		c.seen[y] = n
	}
	if depth > maxDepth {
		c.diags.Errorf(c.file, n.Line, n.Col, "flatten the structure", "values are nested more than %d levels deep", maxDepth)
		return n
	}
	switch y.Kind {
	case yaml.ScalarNode:
		n.Kind, n.Value = Scalar, y.Value
		switch y.ShortTag() {
		case "!!null":
			n.Kind = Null
		case "!!str":
			n.Tag = TagStr
		case "!!int":
			n.Tag = TagInt
		case "!!float":
			n.Tag = TagFloat
		case "!!bool":
			n.Tag = TagBool
		case "!!timestamp":
			n.Tag = TagTime
		default:
			n.Tag = TagOther
		}
	case yaml.SequenceNode:
		n.Kind = List
		n.Items = make([]*Node, 0, len(y.Content))
		for _, it := range y.Content {
			n.Items = append(n.Items, c.conv(it, depth+1))
		}
	case yaml.MappingNode:
		n.Kind = Map
		c.mapping(n, y, depth)
	}
	return n
}

// mapping fills n with the pairs of y, reporting duplicate and non-text keys
// and resolving merge keys (`<<: *base`); explicit keys win over merged ones.
func (c *yamlConv) mapping(n *Node, y *yaml.Node, depth int) {
	var merged []Pair
	index := make(map[string]int, len(y.Content)/2) // key → index in n.Pairs
	for i := 0; i+1 < len(y.Content); i += 2 {
		ky, vy := y.Content[i], y.Content[i+1]
		if ky.Kind == yaml.ScalarNode && ky.Value == "<<" && (ky.Tag == "" || ky.Tag == "!!merge") {
			if c.merged > MaxMerged {
				continue // reported
			}
			pairs, cost, ok := c.merge(c.conv(vy, depth+1), MaxMerged-c.merged)
			if !ok {
				c.merged = MaxMerged + 1
				c.diags.Errorf(c.file, c.first+clamp(ky.Line, 1, c.lines)-1, max(ky.Column, 1),
					"write the values out, or merge fewer and smaller mappings",
					"merge keys `<<` copy more than %d values in this file", MaxMerged)
				continue
			}
			c.merged += cost
			merged = append(merged, pairs...)
			continue
		}
		k := c.conv(ky, depth+1)
		if k.Kind != Scalar {
			if k.Kind == Null {
				c.diags.Errorf(c.file, k.Line, k.Col, "write `name: value`", "a key is empty")
			} else {
				c.diags.Errorf(c.file, k.Line, k.Col, "write `name: value`", "a key must be plain text, not %s", k.Describe())
			}
			continue
		}
		if j, ok := index[k.Value]; ok {
			c.diags.Errorf(c.file, k.Line, k.Col, "remove one of them", "key `%s` is given twice (first on line %d)", k.Value, n.Pairs[j].Key.Line)
			continue
		}
		index[k.Value] = len(n.Pairs)
		n.Pairs = append(n.Pairs, Pair{Key: k, Value: c.conv(vy, depth+1)})
	}
	for _, p := range merged {
		if _, ok := index[p.Key.Value]; !ok {
			index[p.Key.Value] = len(n.Pairs)
			n.Pairs = append(n.Pairs, p)
		}
	}
}

// merge returns the pairs a merge key's value v copies, and what that cost
// (values looked at); false when the cost would pass limit.
func (c *yamlConv) merge(v *Node, limit int) ([]Pair, int, bool) {
	switch v.Kind {
	case Map:
		return v.Pairs, len(v.Pairs), len(v.Pairs) <= limit
	case List:
		var out []Pair
		cost := 0
		for _, it := range v.Items {
			cost++
			if it.Kind == Map {
				cost += len(it.Pairs)
				out = append(out, it.Pairs...)
			}
			if cost > limit {
				return nil, cost, false
			}
		}
		return out, cost, true
	}
	c.diags.Errorf(c.file, v.Line, v.Col, "merge an anchored mapping: `<<: *name`", "`<<` must merge a mapping, not %s", v.Describe())
	return nil, 1, true
}

// ParseTOML parses data, which starts on line first of file, into a tree.
// go-toml checks the document (syntax, duplicate keys, table redefinitions);
// its parser then gives the positions of every key and scalar value. Arrays
// carry the position of their key.
func ParseTOML(file string, data []byte, first int) (*Node, diag.List) {
	var diags diag.List
	var check map[string]any
	if err := toml.Unmarshal(data, &check); err != nil {
		line, col, msg := first, 0, err.Error()
		var de *toml.DecodeError
		if errors.As(err, &de) {
			l, cl := de.Position()
			line, col = first+clamp(l, 1, lineCount(data))-1, cl
		}
		diags.Errorf(file, line, col, "check the TOML syntax here; text values need quotes, e.g. title = \"Disk full\"", "invalid TOML: %s", strings.TrimPrefix(msg, "toml: "))
		return nil, diags
	}
	t := tomlConv{first: first, lineStarts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			t.lineStarts = append(t.lineStarts, i+1)
		}
	}
	t.p.Reset(data)
	root := &Node{Kind: Map, Line: first, Col: 1}
	cur := root
	for t.p.NextExpression() {
		e := t.p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			t.keyValue(cur, e)
		case unstable.Table:
			cur = t.walk(root, e.Key(), false)
		case unstable.ArrayTable:
			cur = t.walk(root, e.Key(), true)
		}
		if cur == nil { // cannot happen after a successful Unmarshal
			break
		}
	}
	if err := t.p.Error(); err != nil || cur == nil {
		diags.Errorf(file, first, 0, "", "invalid TOML: %v", err)
		return nil, diags
	}
	return root, diags
}

type tomlConv struct {
	p          unstable.Parser
	first      int
	lineStarts []int // offsets where lines start
}

// pos returns the file line and byte column where r starts.
func (t *tomlConv) pos(r unstable.Range) (int, int) {
	off := int(r.Offset)
	i := sort.Search(len(t.lineStarts), func(i int) bool { return t.lineStarts[i] > off }) - 1
	return t.first + i, off - t.lineStarts[i] + 1
}

func (t *tomlConv) key(k *unstable.Node) *Node {
	l, c := t.pos(k.Raw)
	return &Node{Kind: Scalar, Tag: TagStr, Value: string(k.Data), Line: l, Col: c}
}

// child returns the map under key in m, creating it when missing; for an
// array of tables it returns the last table, as TOML does.
func child(m *Node, k *Node) *Node {
	v := m.Get(k.Value)
	if v == nil {
		v = &Node{Kind: Map, Line: k.Line, Col: k.Col}
		m.Pairs = append(m.Pairs, Pair{Key: k, Value: v})
	}
	if v.Kind == List && len(v.Items) > 0 {
		v = v.Items[len(v.Items)-1]
	}
	if v.Kind != Map {
		return nil
	}
	return v
}

// walk follows a [table] or [[array.table]] header from the root.
func (t *tomlConv) walk(root *Node, it unstable.Iterator, array bool) *Node {
	cur := root
	for it.Next() {
		k := t.key(it.Node())
		if !(array && it.IsLast()) {
			if cur = child(cur, k); cur == nil {
				return nil
			}
			continue
		}
		list := cur.Get(k.Value)
		if list == nil {
			list = &Node{Kind: List, Line: k.Line, Col: k.Col}
			cur.Pairs = append(cur.Pairs, Pair{Key: k, Value: list})
		}
		if list.Kind != List {
			return nil
		}
		tbl := &Node{Kind: Map, Line: k.Line, Col: k.Col}
		list.Items = append(list.Items, tbl)
		cur = tbl
	}
	return cur
}

func (t *tomlConv) keyValue(m *Node, e *unstable.Node) {
	it := e.Key()
	for it.Next() {
		k := t.key(it.Node())
		if !it.IsLast() {
			if m = child(m, k); m == nil {
				return
			}
			continue
		}
		m.Pairs = append(m.Pairs, Pair{Key: k, Value: t.value(e.Value(), k.Line, k.Col)})
	}
}

func (t *tomlConv) value(v *unstable.Node, line, col int) *Node {
	n := &Node{Kind: Scalar, Line: line, Col: col}
	switch v.Kind {
	case unstable.Array:
		n.Kind = List
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind != unstable.Comment {
				n.Items = append(n.Items, t.value(c, line, col))
			}
		}
		return n
	case unstable.InlineTable:
		n.Kind = Map
		n.Line, n.Col = t.pos(v.Raw)
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				t.keyValue(n, c)
			}
		}
		return n
	}
	n.Line, n.Col = t.pos(v.Raw)
	n.Value = string(v.Data)
	switch v.Kind {
	case unstable.String:
		n.Tag = TagStr
	case unstable.Integer:
		n.Tag = TagInt
	case unstable.Float:
		n.Tag = TagFloat
	case unstable.Bool:
		n.Tag = TagBool
	case unstable.LocalDate, unstable.LocalDateTime, unstable.DateTime, unstable.LocalTime:
		n.Tag = TagTime
	default:
		n.Tag = TagOther
	}
	return n
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
