package taxonomy

import (
	"reflect"
	"testing"
)

func TestBuildMergesSpellings(t *testing.T) {
	items := [][]string{
		{"supply chain", "Ransomware"},
		{"Supply Chain"},
		{"supply  chain", "日本"},
		{"supply chain", "supply chain"}, // repeated on one item counts once
	}
	tx := Build(Def{Name: "keywords"}, len(items), func(i int) []string { return items[i] })
	var got []string
	for _, term := range tx.Terms {
		got = append(got, term.Slug+"="+term.Name)
	}
	want := []string{"ransomware=Ransomware", "supply-chain=supply chain", "日本=日本"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("terms = %q, want %q", got, want)
	}
	sc := tx.Term("SUPPLY chain")
	if sc == nil || !reflect.DeepEqual(sc.Items, []int{0, 1, 2, 3}) {
		t.Fatalf("supply chain items = %v", sc)
	}
	if len(sc.Forms) != 3 || sc.Forms[0] != (Form{"supply chain", 2, 0}) {
		t.Errorf("forms = %+v, want the most frequent first", sc.Forms)
	}
	if tx.TermURL(tx.Term("日本")) != "keywords/日本/" {
		t.Errorf("unicode term URL = %q", tx.TermURL(tx.Term("日本")))
	}
}

func TestTieKeepsSmallestSpelling(t *testing.T) {
	items := [][]string{{"Zero-Day"}, {"zero-day"}}
	tx := Build(Def{Name: "keywords"}, 2, func(i int) []string { return items[i] })
	if tx.Terms[0].Name != "Zero-Day" {
		t.Errorf("tie should pick the smallest spelling in byte order, got %q", tx.Terms[0].Name)
	}
}
