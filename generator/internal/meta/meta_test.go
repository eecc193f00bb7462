package meta

import (
	"fmt"
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	keys := []string{"title", "date", "summary", "keywords", "focus_keyword", "related_count", "severity"}
	for in, want := range map[string]string{
		"keyword":       "keywords",
		"sumary":        "summary",
		"titel":         "title",
		"Title":         "title",
		"FocusKeyword":  "focus_keyword",
		"focus-keyword": "focus_keyword",
		"related":       "related_count",
		"sevrity":       "severity",
		"dat":           "date",
		"xyzzy":         "",
		"tile":          "title",
		"tags":          "",
		"d":             "",
		"title":         "", // an exact match is not a suggestion
	} {
		if got := Closest(in, keys); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Closest("hihg", []string{"low", "moderate", "high", "critical"}); got != "high" {
		t.Errorf("hihg → %q", got)
	}
}

// dump renders a tree compactly with positions, for comparisons.
func dump(n *Node) string {
	var b strings.Builder
	var walk func(n *Node)
	walk = func(n *Node) {
		fmt.Fprintf(&b, "@%d:%d", n.Line, n.Col)
		switch n.Kind {
		case Null:
			b.WriteString("~")
		case Scalar:
			fmt.Fprintf(&b, "%s(%s)", n.Tag, n.Value)
		case List:
			b.WriteString("[")
			for i, it := range n.Items {
				if i > 0 {
					b.WriteString(" ")
				}
				walk(it)
			}
			b.WriteString("]")
		case Map:
			b.WriteString("{")
			for i, p := range n.Pairs {
				if i > 0 {
					b.WriteString(" ")
				}
				fmt.Fprintf(&b, "%s@%d:%d=", p.Key.Value, p.Key.Line, p.Key.Col)
				walk(p.Value)
			}
			b.WriteString("}")
		}
	}
	walk(n)
	return b.String()
}

func TestParseYAML(t *testing.T) {
	src := "a: 1\nb: [x, 'y']\nc:\nd: 2024-01-02\nbase: &base {e: true, f: 1.5}\ng:\n  <<: *base\n  f: 2\nh: *base\n"
	root, ds := ParseYAML("f", []byte(src), 10)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	want := "@10:1{a@10:1=@10:4int(1) b@11:1=@11:4[@11:5str(x) @11:8str(y)] c@12:1=@12:3~ d@13:1=@13:4time(2024-01-02) " +
		"base@14:1=@14:7{e@14:14=@14:17bool(true) f@14:23=@14:26float(1.5)} " +
		"g@15:1=@16:3{f@17:3=@17:6int(2) e@14:14=@14:17bool(true)} " +
		"h@18:1=@14:7{e@14:14=@14:17bool(true) f@14:23=@14:26float(1.5)}}"
	if got := dump(root); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	_, ds = ParseYAML("f", []byte("a: 1\nb: 2\na: 3\n[x]: 1\n"), 2)
	if got := ds.String(); !strings.Contains(got, "f:4:1: error: key `a` is given twice (first on line 2)") ||
		!strings.Contains(got, "f:5:1: error: a key must be plain text, not a list") {
		t.Errorf("got %s", got)
	}
	_, ds = ParseYAML("f", []byte("a: [1\n"), 5)
	if len(ds) != 1 || ds[0].Line < 5 || ds[0].Line > 6 || !strings.HasPrefix(ds[0].Msg, "invalid YAML: ") {
		t.Errorf("syntax error: %v", ds)
	}
	// Exponential aliasing stays linear.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	if root, _ := ParseYAML("f", []byte(b.String()), 1); root == nil {
		t.Error("alias document failed to parse")
	}
	root, ds = ParseYAML("f", nil, 2)
	if len(ds) != 0 || root.Kind != Map || len(root.Pairs) != 0 {
		t.Errorf("empty document: %v %v", dump(root), ds)
	}
}

func TestParseTOML(t *testing.T) {
	src := "a = 1\nb.c = 'x'\nd = [1, [2], {e = true}]\n# c\n[t]\nf = 2024-01-02T10:00:00Z\n[[arr]]\ng = 1.5\n[[arr]]\ng = 2\n[arr.sub]\nh = \"\"\"\nmulti\"\"\"\n"
	root, ds := ParseTOML("f", []byte(src), 3)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	// Arrays and implicitly created tables carry the position of their key.
	want := "@3:1{a@3:1=@3:5int(1) b@4:1=@4:1{c@4:3=@4:7str(x)} d@5:1=@5:1[@5:6int(1) @5:1[@5:10int(2)] @5:14{e@5:15=@5:19bool(true)}] " +
		"t@7:2=@7:2{f@8:1=@8:5time(2024-01-02T10:00:00Z)} " +
		"arr@9:3=@9:3[@9:3{g@10:1=@10:5float(1.5)} @11:3{g@12:1=@12:5int(2) sub@13:6=@13:6{h@14:1=@14:5str(multi)}}]}"
	if got := dump(root); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	_, ds = ParseTOML("f", []byte("a = 1\na = 2\n"), 3)
	if len(ds) != 1 || ds[0].Line != 4 || !strings.Contains(ds[0].Msg, "invalid TOML") {
		t.Errorf("duplicate key: %v", ds)
	}
}

func TestDecoderHelpers(t *testing.T) {
	root, _ := ParseYAML("f", []byte("n: 0x10\nm: 1_000\nb: True\nl: [a, '', b]\nu: https://x.example/p\nbad: http:/x\ne: hgih\n"), 1)
	d := &Decoder{File: "f"}
	if v, ok := d.Int(root.Get("n"), "n"); !ok || v != 16 {
		t.Errorf("hex int: %d %v", v, ok)
	}
	if v, ok := d.Int(root.Get("m"), "m"); !ok || v != 1000 {
		t.Errorf("underscore int: %d %v", v, ok)
	}
	if !d.Bool(root.Get("b"), "b") {
		t.Error("True")
	}
	if l := d.TextList(root.Get("l"), "l", nil); strings.Join(l, ",") != "a,b" {
		t.Errorf("list %q", l)
	}
	if d.URL(root.Get("u"), "u") == "" || d.URL(root.Get("bad"), "bad") != "" {
		t.Error("URL check")
	}
	if d.Enum(root.Get("e"), "e", []string{"high", "low"}) != "" {
		t.Error("enum")
	}
	want := "f:4:8: error: an entry of `l` is empty; remove the empty entry or fill it in\n" +
		"f:6:6: error: `bad` must be an absolute http(s) URL, got `http:/x`; write the full address, e.g. https://example.org/report\n" +
		"f:7:4: error: e `hgih` is not one of high, low; did you mean `high`?\n"
	if got := d.Diags.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCheckImage(t *testing.T) {
	for s, ok := range map[string]bool{
		"/img/x.png": true, "img/x.png": true, "https://example.org/x.png": true, "http://example.org/a?b=1": true,
		"javascript://%0aalert(1)": false, "data:image/png;base64,xx": false, "//cdn.example.org/x.png": false,
		"<SCRIPT SRC=x>": false, "a b.png": false, "ftp://example.org/x.png": false, "https://": false, `x".png`: false,
	} {
		if got := CheckImage(s) == ""; got != ok {
			t.Errorf("CheckImage(%q) ok = %v, want %v", s, got, ok)
		}
	}
}
