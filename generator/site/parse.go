package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode"

	"casefile/generator/content"
	"casefile/generator/diag"
	"casefile/generator/internal/spaces"
	"casefile/generator/markdown"
	"casefile/generator/render"
	"casefile/generator/seo"
)

// incident is an incident on its way through the build.
type incident struct {
	src      *content.Incident
	url      string // site-relative folder: "incidents/<slug>/"
	html     template.HTML
	faq      []render.FAQ
	faqText  []string // plain text of each faq answer (export), parallel to faq
	faqIntro template.HTML
	toc      []render.Link
	text     string   // plain text of the body, for search
	answers  []string // plain text of the front-matter FAQ answers, for search
	notes    template.HTML
	internal []internalText // `::: internal` blocks, for the leak guard
	related  []*incident
	card     *render.Card
	listing  uint64 // digest of what listings show (Session builds)
	pos      int    // index in builder.incidents (search document id)
	lazy     bool   // lean builds: markdown not parsed yet (parsed when the page renders)
	refs     refs   // what the link and FAQ checks need once the HTML is gone
	hasCode  bool   // the page shows highlighted code (and links the chroma stylesheet)
	wiki     *wikiText
}

// page is a plain page on its way through the build.
type page struct {
	src      *content.Page
	url      string // "<slug>/"
	html     template.HTML
	refs     refs
	hasCode  bool
	internal []internalText // `::: internal` blocks, for the leak guard
}

// internalText is the text of one `::: internal` block and where it starts.
type internalText struct {
	line int
	text string
}

// reservedIDs are element ids the incident template uses itself.
var reservedIDs = []string{"main", "faq", "sources", "timeline", "related", "site-heading", "latest-heading"}

// parse renders every published incident's and page's markdown and merges
// each incident's FAQ, in parallel, collecting diagnostics in file order.
func (b *builder) parse(ctx context.Context, corpus *content.Corpus) {
	b.sess.prepare(b, corpus)
	b.guard = b.newLeakGuard(corpus)
	b.excluded = b.excludedPages(corpus)
	var ins []*content.Incident
	for _, in := range corpus.Incidents {
		if b.include(in.Draft, in.Visibility) {
			ins = append(ins, in)
		}
	}
	b.incidents = make([]*incident, len(ins))
	diags := make([]diag.List, len(ins))
	b.forEach(ctx, len(ins), func(i int) {
		if b.lean && !parseEarly(ins[i]) { // a dropped body never needs parsing early
			b.incidents[i] = &incident{src: ins[i], url: b.strs.Concat("incidents/", ins[i].Slug, "/"), lazy: true}
			return
		}
		b.incidents[i], diags[i] = b.sess.parsedIncident(ins[i], b.parseIncident)
	})
	for i, d := range diags {
		b.res.Diagnostics.Append(d)
		if it := b.incidents[i]; it != nil {
			for _, blk := range it.internal {
				b.guard.addBlock(it.src.Source, blk.line, blk.text)
			}
		}
	}

	var ps []*content.Page
	for _, p := range corpus.Pages {
		if b.include(p.Draft, "public") {
			ps = append(ps, p)
		}
	}
	b.pages = make([]*page, len(ps))
	pdiags := make([]diag.List, len(ps))
	b.forEach(ctx, len(ps), func(i int) {
		b.pages[i], pdiags[i] = b.sess.parsedPage(ps[i], b.parsePage)
	})
	for i, d := range pdiags {
		b.res.Diagnostics.Append(d)
		if pg := b.pages[i]; pg != nil {
			for _, blk := range pg.internal {
				b.guard.addBlock(pg.src.Source, blk.line, blk.text)
			}
		}
	}
}

func (b *builder) parsePage(p *content.Page) (*page, diag.List) {
	var d diag.List
	res, err := b.md.RenderDoc(p.Body, b.docOptions(p.Slug+"/"))
	if err != nil {
		line, col := bodyPos(p.BodyLine, err)
		d.Errorf(p.Source, line, col, "", "cannot render markdown: %v", err)
	}
	html := res.HTML
	ids := map[string]bool{"main": true}
	if res.HasFAQSection {
		// Plain pages have no FAQ structure: keep the section as written.
		html += faqAsHTML(res)
		ids["faq"] = true
	}
	pg := &page{src: p, url: p.Slug + "/", html: template.HTML(html), hasCode: res.HasCode}
	pg.internal = internalTexts(res.Internal, res.FencedText, func(l int) int { return p.BodyLine + l - 1 })
	b.fenceProblems(&d, p.Source, p.BodyLine, res.FenceProblems)
	for _, h := range res.Headings {
		ids[h.ID] = true
	}
	sink := linkSink{b: b, source: p.Source, ids: ids, r: &pg.refs, d: &d}
	sink.add(res.Links, res.BlockedLinks, place{base: p.BodyLine})
	sink.finish()
	return pg, d
}

// bodyPos is where an error rendering a body that starts on bodyLine
// points: at the construct over a limit (markdown.LimitError), else at the
// body's first line.
func bodyPos(bodyLine int, err error) (line, col int) {
	var le *markdown.LimitError
	if errors.As(err, &le) && le.Line > 0 {
		return bodyLine + le.Line - 1, le.Col
	}
	return bodyLine, 0
}

func faqAsHTML(res markdown.Result) string {
	var sb strings.Builder
	sb.WriteString(`<h2 id="faq">Frequently asked questions</h2>`)
	sb.WriteString(res.FAQIntro)
	for _, q := range res.FAQ {
		sb.WriteString("<h3>" + template.HTMLEscapeString(q.Question) + "</h3>")
		sb.WriteString(q.AnswerHTML)
	}
	return sb.String()
}

func (b *builder) parseIncident(in *content.Incident) (*incident, diag.List) {
	var d diag.List
	it := &incident{src: in, url: b.strs.Concat("incidents/", in.Slug, "/")}
	body, err := b.bodyOf(in)
	if err != nil {
		d.Errorf(in.Source, 0, 0, "check that the file is readable", "cannot read the file again: %v", err)
		return it, d
	}
	doc := b.docOptions(it.url)
	if b.opts.Profile == ProfileInternal {
		doc.RewriteSource = b.wikiLink(it.url) // for the wiki page (wiki.go)
	}
	res, err := b.md.RenderDoc(body, doc)
	if err != nil {
		line, col := bodyPos(in.BodyLine, err)
		d.Errorf(in.Source, line, col, "", "cannot render markdown: %v", err)
		return it, d
	}
	it.html = template.HTML(res.HTML)
	it.keepWiki(nil, res.Source)
	it.hasCode = res.HasCode
	it.faqIntro = template.HTML(res.FAQIntro)
	it.text = res.Text
	it.internal = internalTexts(res.Internal, res.FencedText, func(l int) int { return in.BodyLine + l - 1 })
	b.fenceProblems(&d, in.Source, in.BodyLine, res.FenceProblems)
	for _, blk := range res.Internal {
		line := in.BodyLine + blk.Line - 1
		if blk.Unclosed {
			d.Warnf(in.Source, line, 1, "add a line `:::` where the internal part ends",
				"`::: internal` block is never closed: everything after it, to the end of the document (or of the list item or quote it is in), is internal")
		}
	}

	ids := map[string]bool{}
	for _, id := range reservedIDs {
		ids[id] = true
	}
	for _, h := range res.Headings {
		ids[h.ID] = true
		if h.Level == 2 {
			it.toc = append(it.toc, render.Link{Name: h.Text, URL: "#" + h.ID})
		}
	}

	type item struct {
		q         string
		answer    string
		text      string // plain text of answer; only front-matter answers have it yet
		line, col int
	}
	var items []item
	type fmLinks struct {
		links   []markdown.LinkRef
		blocked []markdown.BlockedLink
		at      place
	}
	var answerLinks []fmLinks
	for _, f := range in.FAQ {
		frag, err := b.md.RenderFragmentDoc([]byte(f.Answer), doc)
		it.internal = append(it.internal, internalTexts(frag.Internal, frag.FencedText, func(int) int { return f.Line })...)
		b.fragmentFenceProblems(&d, in.Source, f.Line, f.Col, fmt.Sprintf("in the answer to %q", f.Question), frag.FenceProblems)
		if err != nil {
			d.Errorf(in.Source, f.Line, f.Col, "", "cannot render the answer to %q: %v", f.Question, err)
			continue
		}
		html := string(frag.HTML)
		it.hasCode = it.hasCode || frag.HasCode
		// The body's Text covers its own FAQ section, not these answers.
		text := seo.PlainText(html)
		items = append(items, item{strings.TrimSpace(f.Question), html, text, f.Line, f.Col})
		it.answers = append(it.answers, text)
		for _, h := range frag.Headings {
			ids[h.ID] = true
		}
		answerLinks = append(answerLinks, fmLinks{frag.Links, frag.Blocked, place{text: f.Answer, pos: &f.AnswerAt}})
		it.keepWiki(&f.Answer, frag.Source)
	}
	for _, f := range res.FAQ {
		items = append(items, item{strings.TrimSpace(f.Question), f.AnswerHTML, "", in.BodyLine + f.Line - 1, f.Col})
		for _, h := range f.Headings {
			ids[h.ID] = true
		}
	}
	seen := map[string]item{}
	for _, f := range items {
		key := normQuestion(f.q)
		if f.q == "" {
			d.Errorf(in.Source, f.line, f.col, "write the question as the heading text, e.g. `### Was data stolen?`", "FAQ question is empty")
			continue
		}
		if prev, ok := seen[key]; ok {
			d.Errorf(in.Source, f.line, f.col, "merge the two answers or reword one question",
				"FAQ question %q is asked twice (first at line %d)", f.q, prev.line)
			continue
		}
		seen[key] = f
		if strings.TrimSpace(f.answer) == "" {
			d.Errorf(in.Source, f.line, f.col, "write the answer below the question, or remove the question",
				"FAQ question %q has no answer", f.q)
			continue
		}
		it.faq = append(it.faq, render.FAQ{Question: f.q, ID: uniqueID(ids, "faq-"+markdown.HeadingID(f.q)), Answer: template.HTML(f.answer)})
		if f.text == "" {
			f.text = seo.PlainText(f.answer)
		}
		it.faqText = append(it.faqText, f.text)
		it.refs.questions = append(it.refs.questions, question{idHash(key), f.line, f.col})
	}
	if in.InternalNotes != "" && b.opts.Profile == ProfileInternal {
		frag, err := b.md.RenderFragmentDoc([]byte(in.InternalNotes), doc)
		if err != nil {
			d.Errorf(in.Source, in.NotesLine, 0, "", "cannot render internal_notes: %v", err)
		}
		it.notes = template.HTML(frag.HTML)
		b.fragmentFenceProblems(&d, in.Source, in.NotesLine, 0, "in internal_notes", frag.FenceProblems)
		it.hasCode = it.hasCode || frag.HasCode
		for _, h := range frag.Headings {
			ids[h.ID] = true
		}
		answerLinks = append(answerLinks, fmLinks{frag.Links, frag.Blocked, place{text: in.InternalNotes, pos: &in.NotesAt}})
		it.keepWiki(&in.InternalNotes, frag.Source)
	}
	sink := linkSink{b: b, source: in.Source, ids: ids, r: &it.refs, d: &d}
	sink.add(res.Links, res.BlockedLinks, place{base: in.BodyLine})
	for _, l := range answerLinks {
		sink.add(l.links, l.blocked, l.at)
	}
	sink.finish()

	return it, d
}

// parseLazy parses the markdown of an incident a lean build left unparsed,
// keeping what assemble gave it. Diagnostics go to lateDiags; false means
// the incident has errors and its page is not rendered.
func (b *builder) parseLazy(it *incident) bool {
	if !it.lazy {
		return true
	}
	p, d := b.parseIncident(it.src)
	b.late.mu.Lock()
	b.late.list.Append(d)
	b.late.mu.Unlock()
	// Only the parse's own fields: other jobs read src, url and card meanwhile.
	it.html, it.faq, it.faqText, it.faqIntro, it.toc, it.text, it.answers, it.notes, it.internal, it.refs, it.hasCode = p.html, p.faq, p.faqText, p.faqIntro, p.toc, p.text, p.answers, p.notes, p.internal, p.refs, p.hasCode
	it.wiki = p.wiki
	it.lazy = false
	return !d.HasErrors() || b.opts.KeepGoing
}

// normQuestion folds case, spacing and trailing punctuation so that "Was
// data lost?" and "was data  lost" count as the same question.
func normQuestion(q string) string {
	q = strings.ToLower(spaces.Collapse(q))
	return strings.TrimRightFunc(q, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// uniqueID returns id, or id-2, id-3… whichever is not yet in ids, and
// records it.
func uniqueID(ids map[string]bool, id string) string {
	cand := id
	for n := 2; ids[cand]; n++ {
		cand = id + "-" + strconv.Itoa(n)
	}
	ids[cand] = true
	return cand
}
