package seo

import "strings"

// OGLocale turns a BCP 47 language tag (the site's `language`) into the
// language_TERRITORY form Open Graph's og:locale wants: "en-GB" → "en_GB",
// "pt-br" → "pt_BR", "zh-Hant-TW" → "zh_TW". A tag without a region gets
// the region most likely for its language and script (CLDR's likely
// subtags): "en" → "en_US", "de" → "de_DE", "ja" → "ja_JP", "zh-Hant" →
// "zh_TW". A numeric region ("es-419") is not a country: the language's
// likely one stands in. It returns "" for a language
// it does not know without a region, as a wrong locale is worse than none.
func OGLocale(tag string) string {
	parts := strings.FieldsFunc(tag, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 || !letters(parts[0]) || len(parts[0]) < 2 || len(parts[0]) > 3 {
		return ""
	}
	lang := strings.ToLower(parts[0])
	likely := likelyRegion[lang]
	for _, p := range parts[1:] {
		if len(p) == 1 {
			break // an extension or private use follows: no region
		}
		if len(p) == 4 && letters(p) { // a script
			if r, ok := likelyRegion[lang+"-"+strings.ToLower(p)]; ok {
				likely = r
			}
			continue
		}
		if len(p) == 2 && letters(p) {
			return lang + "_" + strings.ToUpper(p)
		}
	}
	if likely == "" {
		return ""
	}
	return lang + "_" + likely
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// likelyRegion is the region CLDR's likely subtags give a language written
// alone, for the languages of Facebook's locale list.
var likelyRegion = map[string]string{
	"af": "ZA", "am": "ET", "ar": "EG", "as": "IN", "az": "AZ", "be": "BY", "bg": "BG", "bn": "BD",
	"br": "FR", "bs": "BA", "ca": "ES", "cs": "CZ", "cy": "GB", "da": "DK", "de": "DE", "el": "GR",
	"en": "US", "es": "ES", "et": "EE", "eu": "ES", "fa": "IR", "ff": "SN", "fi": "FI",
	"fo": "FO", "fr": "FR", "fy": "NL", "ga": "IE", "gl": "ES", "gn": "PY", "gu": "IN", "ha": "NG",
	"he": "IL", "hi": "IN", "hr": "HR", "hu": "HU", "hy": "AM", "id": "ID", "is": "IS", "it": "IT",
	"ja": "JP", "jv": "ID", "ka": "GE", "kk": "KZ", "km": "KH", "kn": "IN", "ko": "KR", "ku": "TR",
	"ky": "KG", "lo": "LA", "lt": "LT", "lv": "LV", "mg": "MG", "mk": "MK", "ml": "IN", "mn": "MN",
	"mr": "IN", "ms": "MY", "mt": "MT", "my": "MM", "nb": "NO", "ne": "NP", "nl": "NL", "nn": "NO",
	"no": "NO", "or": "IN", "pa": "IN", "pl": "PL", "ps": "AF", "pt": "BR", "ro": "RO", "ru": "RU",
	"rw": "RW", "sc": "IT", "si": "LK", "sk": "SK", "sl": "SI", "so": "SO", "sq": "AL", "sr": "RS",
	"sv": "SE", "sw": "TZ", "ta": "IN", "te": "IN", "tg": "TJ", "th": "TH", "tl": "PH", "tr": "TR",
	"tt": "RU", "uk": "UA", "ur": "PK", "uz": "UZ", "vi": "VN", "xh": "ZA", "yo": "NG", "zh": "CN",
	"zu": "ZA", "zh-hant": "TW", "zh-hans": "CN",
}
