package server

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// urlToSite turns an escaped URL path ("/incidents/caf%C3%A9/") into a site
// path ("incidents/café/"): "" for the root, a trailing slash for a folder.
// It refuses anything but a canonical path inside the site: encoded slashes,
// bad escapes, invalid UTF-8, backslashes, NUL and other control bytes, and
// empty, "." or ".." segments.
func urlToSite(escaped string) (string, bool) {
	if !strings.HasPrefix(escaped, "/") {
		return "", false
	}
	if strings.Contains(strings.ToLower(escaped), "%2f") {
		return "", false // "a%2fb" would name a different path than it looks like
	}
	p, err := url.PathUnescape(escaped)
	if err != nil || !utf8.ValidString(p) {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "", false
		}
	}
	rest := p[1:]
	if rest == "" {
		return "", true
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(rest, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", false
		}
	}
	return rest, true
}

// resolve maps a site path (from urlToSite) to the output file that answers
// it: "x/" and "" name x/index.html and index.html; "x" names the file x, or,
// when only x/index.html exists, a redirect to "x/" (name is then "x/").
// found is false when nothing answers.
func resolve(has func(string) bool, p string) (name string, redirect, found bool) {
	if p == "" || strings.HasSuffix(p, "/") {
		name = p + "index.html"
		return name, false, has(name)
	}
	if has(p) {
		return p, false, true
	}
	if has(p + "/index.html") {
		return p + "/", true, true
	}
	return "", false, false
}

// pageFiles lists the output files whose change must reload a browser that
// shows site path p: the files resolve could answer p with, and 404.html
// while p answers nothing.
func pageFiles(has func(string) bool, p string) []string {
	var files []string
	if p == "" || strings.HasSuffix(p, "/") {
		files = []string{p + "index.html"}
	} else {
		files = []string{p, p + "/index.html"}
	}
	if _, _, found := resolve(has, p); !found {
		files = append(files, notFoundPage)
	}
	return files
}

// navigatePath turns a site-relative URL given to Navigate ("incidents/x/",
// "/incidents/x/#faq") into the path sent to browsers ("/incidents/x/").
// Anything that could leave the site (a scheme, a host, "//") is refused.
func navigatePath(u string) (string, bool) {
	if u == "" || strings.ContainsAny(u, "\\\x00\r\n\t") {
		return "", false
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "" || pu.Host != "" || pu.Opaque != "" || pu.User != nil {
		return "", false
	}
	return "/" + strings.TrimLeft(u, "/"), true
}
