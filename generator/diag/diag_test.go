package diag

import (
	"encoding/json"
	"testing"
)

// TestJSONHasLineAndCol: every diagnostic encodes its line and column,
// 0 when it is about the whole file, so tools need not guess at a missing
// key.
func TestJSONHasLineAndCol(t *testing.T) {
	var l List
	l.Errorf("content/x.md", 0, 0, "", "the file is empty")
	l.Warnf("content/y.md", 3, 0, "fix it", "line only")
	l.Errorf("content/z.md", 3, 7, "", "line and column")
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"file":"content/x.md","line":0,"col":0,"severity":"error","message":"the file is empty"},` +
		`{"file":"content/y.md","line":3,"col":0,"severity":"warning","message":"line only","hint":"fix it"},` +
		`{"file":"content/z.md","line":3,"col":7,"severity":"error","message":"line and column"}]`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
}
