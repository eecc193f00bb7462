package watch

import (
	"strconv"
	"strings"
)

// Ignored reports whether a file or folder name is editor or OS litter that
// must never trigger a rebuild: temp, swap, lock and backup files, and
// dotfiles and dot-folders. name is a base name; a slash path is judged
// element by element and is ignored when any element is (so
// "content/.git/HEAD" is ignored, like everything under a dot-folder).
//
// What is recognised, by the program that leaves it behind:
//
//	vim, neovim   .x.md.swp .x.md.swo … (swap), x.md~ (backup), 4913, 5036, …
//	              (the probe vim writes to test the folder: 4913 + k·123),
//	              and the swap suffixes .swp .swo .swn .swm .swx on any name
//	emacs         #x.md# (auto-save), .#x.md (lock), x.md~ and x.md.~1~ (backups)
//	nano          .x.md.swp (lock), x.md~ (backup)
//	gedit         .goutputstream-XXXXXX (atomic save), x.md~
//	Kate          .x.md.kate-swp
//	JetBrains     x.md___jb_tmp___, x.md___jb_old___, x.md___jb_bak___ ("safe write")
//	VS Code       x.md.vsctmp (atomic writes); a normal save truncates in place
//	Sublime Text  .subl123.tmp (atomic_save)
//	browsers      *.crswap (File System Access API), *.crdownload, *.part
//	GNU sed -i    sedXXXXXX (sed + 6 letters or digits, no extension);
//	              BSD sed -i uses .!pid!x.md, a dotfile
//	macOS, Windows  .DS_Store, ._x.md, Thumbs.db, desktop.ini, ~$x.docx
//	anything      *.tmp, *.temp, *~, dotfiles and dot-folders (.git, .obsidian, …)
//
// One dot-folder is kept: ".well-known", which static/ legitimately holds
// (security.txt and friends), and which the static copy publishes.
func Ignored(name string) bool {
	for el := range strings.SplitSeq(name, "/") {
		if ignoredElem(el) {
			return true
		}
	}
	return false
}

// ignoredSuffixes are matched case-insensitively at the end of a name.
var ignoredSuffixes = [...]string{
	"~",
	".swp", ".swo", ".swn", ".swm", ".swx",
	".kate-swp",
	".tmp", ".temp", ".part", ".crdownload", ".crswap", ".vsctmp",
	"___jb_tmp___", "___jb_old___", "___jb_bak___",
}

func ignoredElem(n string) bool {
	switch n {
	case "", ".", "..":
		return false
	case ".well-known":
		return false
	}
	if n[0] == '.' {
		return true // dotfiles and dot-folders, vim/nano swap, emacs lock, gedit, Sublime, .DS_Store
	}
	if len(n) >= 2 && n[0] == '#' && n[len(n)-1] == '#' {
		return true // emacs auto-save
	}
	if strings.HasPrefix(n, "~$") {
		return true // Office lock files
	}
	lower := strings.ToLower(n)
	if lower == "thumbs.db" || lower == "desktop.ini" {
		return true
	}
	for _, s := range ignoredSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return vimProbe(n) || sedTemp(n)
}

// vimProbe reports vim's write-permission probe: it creates and deletes
// "4913" in the file's folder before writing (and 4913+123, 4913+246, … when
// that name is taken).
func vimProbe(n string) bool {
	if len(n) < 4 || len(n) > 6 || n[0] == '0' {
		return false
	}
	v, err := strconv.Atoi(n)
	return err == nil && v >= 4913 && (v-4913)%123 == 0
}

// sedTemp reports GNU sed -i's temporary file: "sed" and six random letters
// or digits, in the same folder, renamed over the target when done.
func sedTemp(n string) bool {
	if len(n) != 9 || !strings.HasPrefix(n, "sed") {
		return false
	}
	for _, c := range n[3:] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
