package watch

import "testing"

func TestIgnored(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
		why  string
	}{
		// vim / neovim
		{".x.md.swp", true, "vim swap"},
		{".x.md.swo", true, "vim second swap"},
		{".x.md.swx", true, "vim swap probe"},
		{"x.md.swp", true, "swap file kept elsewhere with the dot stripped"},
		{"x.md.swn", true, "vim third swap"},
		{"x.md~", true, "vim/emacs/nano/gedit backup"},
		{"4913", true, "vim write probe"},
		{"5036", true, "vim write probe, second try"},
		{"5159", true, "vim write probe, third try"},
		// emacs
		{"#x.md#", true, "emacs auto-save"},
		{".#x.md", true, "emacs lock"},
		{"x.md.~1~", true, "emacs numbered backup"},
		// gedit, Kate, Sublime, nano
		{".goutputstream-7XQ2KZ", true, "gedit atomic save"},
		{".x.md.kate-swp", true, "Kate swap"},
		{"x.md.kate-swp", true, "Kate swap without dot"},
		{".subl883.tmp", true, "Sublime atomic_save"},
		// JetBrains safe write
		{"x.md___jb_tmp___", true, "JetBrains temp"},
		{"x.md___jb_old___", true, "JetBrains old copy"},
		{"x.md___jb_bak___", true, "JetBrains backup"},
		// VS Code, browsers
		{"x.md.vsctmp", true, "VS Code atomic write"},
		{"x.md.crswap", true, "Chromium File System Access swap"},
		{"logo.png.crdownload", true, "Chromium download"},
		{"logo.png.part", true, "Firefox download"},
		// sed -i
		{"sedAb12Cd", true, "GNU sed -i temp"},
		{"sed0zZ9aq", true, "GNU sed -i temp"},
		{".!12345!x.md", true, "BSD sed -i temp"},
		// generic temp, OS litter
		{"x.md.tmp", true, "temp"},
		{"X.MD.TMP", true, "temp, Windows case"},
		{"x.temp", true, "temp"},
		{".DS_Store", true, "macOS"},
		{"._x.md", true, "macOS AppleDouble"},
		{"Thumbs.db", true, "Windows"},
		{"desktop.ini", true, "Windows"},
		{"~$report.docx", true, "Office lock"},
		{".git", true, "dot-folder"},
		{".obsidian", true, "dot-folder"},
		{"content/.git/HEAD", true, "below a dot-folder"},
		{"content/incidents/#x.md#", true, "path whose base is litter"},

		// real files
		{"x.md", false, ""},
		{"db-disk-full.md", false, ""},
		{"content/incidents/x.md", false, ""},
		{"static/.well-known/security.txt", false, "kept: published by the static copy"},
		{"logo.svg", false, "not a vim swap suffix"},
		{"clip.swf", false, "not a vim swap suffix"},
		{"tmp.md", false, "only named tmp"},
		{"x.tmp.md", false, ".tmp in the middle"},
		{"4912", false, "not in vim's sequence"},
		{"4914", false, "not in vim's sequence"},
		{"04913", false, "leading zero"},
		{"2024", false, "a year"},
		{"sed.md", false, "starts with sed"},
		{"sedation", false, "eight letters"},
		{"sed-guide", false, "not alphanumeric"},
		{"sb-outage.md", false, "bare sb- is a plausible slug; .sb-… is a dotfile"},
		{"a#b#", false, "hash not first"},
		{"#", false, "lone hash"},
		{"part.md", false, ""},
		{"", false, ""},
	} {
		if got := Ignored(tc.name); got != tc.want {
			t.Errorf("Ignored(%q) = %v, want %v (%s)", tc.name, got, tc.want, tc.why)
		}
	}
}
