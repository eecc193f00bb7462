package seo

import "testing"

func TestOGLocale(t *testing.T) {
	for tag, want := range map[string]string{
		"en": "en_US", "EN": "en_US", "en-GB": "en_GB", "en_gb": "en_GB", "de": "de_DE", "de-AT": "de_AT",
		"ja": "ja_JP", "pt": "pt_BR", "pt-PT": "pt_PT", "zh": "zh_CN", "zh-Hant": "zh_TW", "zh-Hant-HK": "zh_HK",
		"sr-Latn": "sr_RS", "es-419": "es_ES", "en-x-internal": "en_US", "nb": "nb_NO",
		"tlh": "", "": "", "123": "", "e": "", "english": "",
	} {
		if got := OGLocale(tag); got != want {
			t.Errorf("OGLocale(%q) = %q, want %q", tag, got, want)
		}
	}
}
