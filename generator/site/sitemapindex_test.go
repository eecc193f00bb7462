package site

import (
	"encoding/xml"
	"fmt"
	"testing"
)

// TestSitemapIndex: past the limit of URLs one sitemap file may hold
// (sitemaps.org: 50,000), the URLs go to numbered parts and sitemap.xml is
// their index, each part with the newest lastmod of its URLs.
func TestSitemapIndex(t *testing.T) {
	b := &builder{}
	b.cfg.BaseURL = "https://kb.example.org/"
	var urls []sitemapURL
	for i := range 5 {
		urls = append(urls, sitemapURL{Loc: b.abs(fmt.Sprintf("incidents/i%d/", i)), LastMod: fmt.Sprintf("2024-01-0%d", 5-i)})
	}
	if jobs := b.sitemapParts(urls, 5); len(jobs) != 1 || jobs[0].path != "sitemap.xml" {
		t.Fatalf("5 URLs with a limit of 5: want one sitemap.xml, got %d jobs", len(jobs))
	}
	jobs := b.sitemapParts(urls, 2)
	files := map[string][]byte{}
	for _, j := range jobs {
		data, err := j.make()
		if err != nil {
			t.Fatal(err)
		}
		files[j.path] = data
	}
	if len(files) != 4 {
		t.Fatalf("want sitemap.xml and three parts, got %d files", len(files))
	}
	var index struct {
		XMLName  xml.Name
		Sitemaps []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal(files["sitemap.xml"], &index); err != nil || index.XMLName.Local != "sitemapindex" {
		t.Fatalf("sitemap.xml is not a sitemap index (%v): %s", err, files["sitemap.xml"])
	}
	seen := 0
	for i, s := range index.Sitemaps {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		if s.Loc != "https://kb.example.org/"+name {
			t.Errorf("index entry %d is %s, want %s", i, s.Loc, name)
		}
		var part struct {
			URLs []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal(files[name], &part); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(part.URLs) > 2 || len(part.URLs) == 0 {
			t.Errorf("%s lists %d URLs, want 1 or 2", name, len(part.URLs))
		}
		newest := ""
		for _, u := range part.URLs {
			newest = max(newest, u.LastMod)
			seen++
		}
		if s.LastMod != newest {
			t.Errorf("index gives %s lastmod %s, want its newest %s", name, s.LastMod, newest)
		}
	}
	if seen != 5 {
		t.Errorf("the parts list %d URLs, want 5", seen)
	}
}
