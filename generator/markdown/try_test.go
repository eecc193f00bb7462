package markdown

import (
	"fmt"
	"testing"
)

func TestTry(t *testing.T) {
	r := New(Options{})
	src := "# Title\n\nIntro with [js](javascript:alert(1)) and [ent](&#106;avascript:x) and [tab](java\tscript:x) and <javascript:alert(2)> and www.example.com and ftp://x.org/a.\n\n> ## Quoted heading\n\n## Setup {#custom .big}\n\n```bash\necho \"hi\" | grep h\n```\n\n```nolang\n<b>x</b>\n```\n\n```\nplain\n```\n\n<div onclick=\"x\">\n*raw*\n</div>\n\nInline <span>raw</span> &amp; text\\*.\n\n## 日本の対応\n\n## Setup\n\nA footnote[^1].\n\n  ## FAQ:\n\nIntro.\n\n### Is it `safe`?\n\nYes[^1].\n\n#### Sub\n\n- a\n- b\n\n### Empty?\n### Last\n\n```yaml\na: 1\n```\n\n## After\n\ntext\n\n[^1]: Note.\n"
	res, err := r.Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(string(res.HTML))
	fmt.Printf("%+v\n", res.Headings)
	for _, f := range res.FAQ {
		fmt.Printf("%+v\n", f)
	}
	fmt.Printf("intro=%q line=%d id=%q lines=%v blocked=%+v\n", res.FAQIntro, res.FAQLine, res.FAQID, res.FAQLines, res.BlockedLinks)
	fmt.Println(res.Text)
}
