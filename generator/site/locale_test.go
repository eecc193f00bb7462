package site_test

import (
	"testing"

	"casefile/generator/internal/sitetest"
)

// TestOGLocale: og:locale is written in Open Graph's language_TERRITORY
// form from the site's BCP 47 language, and left out for a language
// without a known region; <html lang> keeps the tag as configured.
func TestOGLocale(t *testing.T) {
	for lang, want := range map[string]string{"en": "en_US", "en-GB": "en_GB", "de": "de_DE", "ja": "ja_JP"} {
		b := sitetest.Build(t, "-- casefile.yaml --\nlanguage: "+lang+"\n-- content/about.md --\n---\ntitle: About\n---\nText.\n")
		b.AssertFile("about/index.html", `<meta property="og:locale" content="`+want+`">`, `<html lang="`+lang+`">`)
	}
	b := sitetest.Build(t, "-- casefile.yaml --\nlanguage: tlh\n-- content/about.md --\n---\ntitle: About\n---\nText.\n")
	b.AssertNotInFile("about/index.html", "og:locale")
}
