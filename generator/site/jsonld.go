package site

import (
	"casefile/generator/content"
	"casefile/generator/render"
	"casefile/generator/seo"
)

func (b *builder) websiteID() string      { return b.cfg.BaseURL + "#website" }
func (b *builder) organizationID() string { return b.cfg.BaseURL + "#organization" }

// siteNodes are the WebSite and publisher nodes every graph starts with.
func (b *builder) siteNodes(withSearch bool) []any {
	ws := &seo.WebSite{
		Type: "WebSite", ID: b.websiteID(), URL: b.cfg.BaseURL, Name: b.cfg.Title,
		Description: b.cfg.Description, InLanguage: b.cfg.Language,
		Publisher: &seo.Ref{ID: b.organizationID()},
	}
	if withSearch && b.hasSearch() {
		ws.PotentialAction = &seo.SearchAction{
			Type:       "SearchAction",
			Target:     b.cfg.BaseURL + "search/?q={search_term_string}",
			QueryInput: "required name=search_term_string",
		}
	}
	org := &seo.Organization{Type: "Organization", ID: b.organizationID(), Name: b.publisherName(), URL: b.publisherURL()}
	if l := b.cfg.Publisher.Logo; l != "" {
		org.Logo = &seo.ImageObject{Type: "ImageObject", URL: b.absImage(l)}
	}
	return []any{ws, org}
}

// hasSearch reports whether the build has a /search/ page for the
// WebSite's SearchAction to point at.
func (b *builder) hasSearch() bool { return b.searchEnabled }

func (b *builder) publisherName() string {
	if b.cfg.Publisher.Name != "" {
		return b.cfg.Publisher.Name
	}
	return b.cfg.Title
}

func (b *builder) publisherURL() string {
	if b.cfg.Publisher.URL != "" {
		return b.cfg.Publisher.URL
	}
	return b.cfg.BaseURL
}

func crumbs(b *builder, pg *render.Page) *seo.BreadcrumbList {
	bl := &seo.BreadcrumbList{Type: "BreadcrumbList", ID: pg.Canonical + "#breadcrumb"}
	for i, c := range pg.Crumbs {
		bl.ItemListElement = append(bl.ItemListElement, seo.ListItem{Type: "ListItem", Position: i + 1, Name: c.Name, Item: b.abs(c.URL)})
	}
	return bl
}

func (b *builder) homeGraph(pg *render.Page) *seo.Graph {
	g := &seo.Graph{}
	g.Add(b.siteNodes(true)...)
	g.Add(&seo.CollectionPage{
		Type: "CollectionPage", ID: pg.Canonical + "#webpage", URL: pg.Canonical, Name: b.cfg.Title,
		Description: b.cfg.Description, InLanguage: b.cfg.Language,
		IsPartOf: &seo.Ref{ID: b.websiteID()}, MainEntity: &seo.Ref{ID: pg.Canonical + "#itemlist"},
	})
	g.Add(b.itemList(pg, pg.Incidents, 0))
	return g
}

// collectionGraph starts the graph of a listing page: WebSite, publisher
// and the CollectionPage whose main entity is the page's ItemList.
func (b *builder) collectionGraph(pg *render.Page) *seo.Graph {
	g := &seo.Graph{}
	g.Add(b.siteNodes(false)...)
	g.Add(&seo.CollectionPage{
		Type: "CollectionPage", ID: pg.Canonical + "#webpage", URL: pg.Canonical, Name: pg.Heading,
		Description: pg.Description, InLanguage: b.cfg.Language,
		IsPartOf: &seo.Ref{ID: b.websiteID()}, Breadcrumb: &seo.Ref{ID: pg.Canonical + "#breadcrumb"},
		MainEntity: &seo.Ref{ID: pg.Canonical + "#itemlist"},
	})
	return g
}

func (b *builder) listGraph(pg *render.Page, cards []*render.Card, offset int) *seo.Graph {
	g := b.collectionGraph(pg)
	g.Add(b.itemList(pg, cards, offset), crumbs(b, pg))
	return g
}

// termList is the ItemList of a taxonomy index.
func (b *builder) termList(pg *render.Page, terms []render.Term) *seo.ItemList {
	il := &seo.ItemList{Type: "ItemList", ID: pg.Canonical + "#itemlist", NumberOfItems: len(terms)}
	for i, t := range terms {
		il.ItemListElement = append(il.ItemListElement, seo.ListItem{Type: "ListItem", Position: i + 1, URL: b.abs(t.URL), Name: t.Name})
	}
	return il
}

func (b *builder) itemList(pg *render.Page, cards []*render.Card, offset int) *seo.ItemList {
	il := &seo.ItemList{Type: "ItemList", ID: pg.Canonical + "#itemlist", NumberOfItems: len(cards)}
	for i, c := range cards {
		il.ItemListElement = append(il.ItemListElement, seo.ListItem{Type: "ListItem", Position: offset + i + 1, URL: b.abs(c.URL), Name: c.Title})
	}
	return il
}

func (b *builder) incidentGraph(pg *render.Page, it *incident) *seo.Graph {
	in := it.src
	g := &seo.Graph{}
	g.Add(b.siteNodes(false)...)
	webpage := pg.Canonical + "#webpage"
	g.Add(&seo.WebPage{
		Type: "WebPage", ID: webpage, URL: pg.Canonical, Name: in.Title, Description: in.Summary,
		InLanguage: b.cfg.Language, IsPartOf: &seo.Ref{ID: b.websiteID()},
		Breadcrumb:    &seo.Ref{ID: pg.Canonical + "#breadcrumb"},
		DatePublished: pg.Published, DateModified: pg.Modified,
		MainEntity: &seo.Ref{ID: pg.Canonical + "#article"},
	})
	art := &seo.Article{
		Type: b.cfg.ArticleType, ID: pg.Canonical + "#article", Headline: headline(in.Title),
		Description: in.Summary, DatePublished: pg.Published, DateModified: pg.Modified,
		Publisher: &seo.Ref{ID: b.organizationID()}, InLanguage: b.cfg.Language,
		MainEntityOfPage: &seo.Ref{ID: webpage}, IsPartOf: &seo.Ref{ID: webpage},
	}
	for _, k := range it.card.Keywords {
		art.Keywords = append(art.Keywords, k.Name)
	}
	authors := b.authors(in.Authors)
	for _, a := range authors {
		art.Author = append(art.Author, seo.Person{Type: "Person", Name: a.Name, URL: a.URL})
	}
	if len(authors) == 0 {
		art.Author = append(art.Author, &seo.Ref{ID: b.organizationID()})
	}
	if pg.Image != "" {
		art.Image = []string{pg.Image}
	}
	for _, s := range in.Sources {
		art.Citation = append(art.Citation, seo.CreativeWork{Type: "CreativeWork", Name: s.Title, URL: s.URL, Publisher: s.Publisher})
	}
	g.Add(art)
	if len(it.faq) > 0 {
		fp := &seo.FAQPage{Type: "FAQPage", ID: pg.Canonical + "#faq", IsPartOf: &seo.Ref{ID: webpage}}
		for _, f := range it.faq {
			fp.MainEntity = append(fp.MainEntity, seo.Question{
				Type: "Question", Name: f.Question,
				AcceptedAnswer: seo.Answer{Type: "Answer", Text: seo.AnswerHTML(string(f.Answer), pg.Canonical)},
			})
		}
		g.Add(fp)
	}
	g.Add(crumbs(b, pg))
	return g
}

// pageGraph is the graph of a plain page of the given schema.org type.
func (b *builder) pageGraph(pg *render.Page, typ string, published, updated content.Date) *seo.Graph {
	g := &seo.Graph{}
	g.Add(b.siteNodes(false)...)
	g.Add(&seo.WebPage{
		Type: typ, ID: pg.Canonical + "#webpage", URL: pg.Canonical, Name: pg.Heading,
		Description: pg.Description, InLanguage: b.cfg.Language, IsPartOf: &seo.Ref{ID: b.websiteID()},
		Breadcrumb:    &seo.Ref{ID: pg.Canonical + "#breadcrumb"},
		DatePublished: isoDate(published), DateModified: isoDate(modified(published, updated)),
	})
	g.Add(crumbs(b, pg))
	return g
}

func modified(date, updated content.Date) content.Date {
	if !updated.IsZero() {
		return updated
	}
	return date
}

// headline keeps within the 110 characters search engines show.
func headline(title string) string {
	r := []rune(title)
	if len(r) <= 110 {
		return title
	}
	return string(r[:109]) + "…"
}

// authors returns the incident's authors, or the site's default authors.
func (b *builder) authors(in []content.Author) []content.Author {
	if len(in) > 0 {
		return in
	}
	out := make([]content.Author, 0, len(b.cfg.Authors))
	for _, a := range b.cfg.Authors {
		out = append(out, content.Author{Name: a.Name, URL: a.URL})
	}
	return out
}
