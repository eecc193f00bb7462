package search

import (
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"The attack on the pipeline", []string{"attack", "pipeline"}},
		{"Log4j and log4shell", []string{"log4j", "log4shell"}},
		{"CVE-2021-44228 was bad", []string{"cve", "2021", "44228", "cve202144228", "bad"}},
		{"technique T1566.001 used", []string{"technique", "t1566", "001", "t1566001", "used"}},
		{"zero-day e-mail", []string{"zero", "day", "zeroday", "mail", "email"}},
		{"end of sentence. Next one", []string{"end", "sentence", "next", "one"}},
		{"a--b x..y", nil}, // single letters, no chains across doubled connectors
		{"Microsoft's Exchange", []string{"microsoft", "exchange"}},
		{"Windows 7", []string{"windows", "7"}},
		{"Café Müller Straße Æsir Œuvre ĞÜŞ", []string{"cafe", "muller", "strasse", "aesir", "oeuvre", "gus"}},
		{"cafe\u0301 decomposed", []string{"cafe", "decomposed"}},
		{"ΣΟΦΙΑ σοφίας", []string{"σοφια", "σοφίασ"}}, // final sigma folded; Greek accents are not
		{"İstanbul", []string{"istanbul"}},
		{"日本の防衛", []string{"日本", "本の", "の防", "防衛"}},
		{"防", []string{"防"}},
		{"log4j脆弱性 affects", []string{"log4j", "脆弱", "弱性", "affects"}},
		{"サーバー攻撃", []string{"サー", "ーバ", "バー", "ー攻", "攻撃"}},
		{"한국 해킹", []string{"한국", "해킹"}},
		{"2021年12月", []string{"2021", "年", "12", "月"}},
		{"srv-db01.corp.example", []string{"srv", "db01", "corp", "example", "srvdb01corpexample"}},
		{"a-b-c-d-e-f-g-h", []string{"abcdef", "gh"}},
		{"हिन्दी भाषा", []string{"हिनदी", "भाषा"}},
		{"x<script>y</script>", []string{"script", "script"}},
		{strings.Repeat("ab", 40), []string{strings.Repeat("ab", 32)}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := tokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStopTable(t *testing.T) {
	for _, w := range stopWords {
		if len(w) > 7 || !isStopBytes([]byte(w)) {
			t.Errorf("stop word %q not found (stop words must have at most 7 bytes)", w)
		}
	}
	for _, w := range []string{"then2", "th", "ransom", "", "thee", "zz", "hers1", "ab"} {
		if isStopBytes([]byte(w)) {
			t.Errorf("%q taken for a stop word", w)
		}
	}
}
