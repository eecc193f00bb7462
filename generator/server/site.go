package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed live.js
var liveJS []byte

// scriptTag is what every served HTML page gets before </body>.
const scriptTag = `<script src="` + scriptURL + `" defer></script>`

const (
	minGzip  = 1024     // smaller bodies are sent as they are
	gzipSize = 64 << 20 // bytes of compressed bodies kept before the cache starts over
)

// site is one build as served: immutable once stored.
type site struct {
	files map[string]*entry
}

func (st *site) has(name string) bool { _, ok := st.files[name]; return ok }

// entry is one output file. What it is served as (type, injected body, ETag)
// is worked out on first use and then kept, also across SetSite calls that
// hand over the very same bytes.
type entry struct {
	name string
	raw  []byte

	once         sync.Once
	body         []byte // raw, with the live script for HTML
	ctype        string
	etag         string // strong, quoted: hash of body
	compressible bool
}

func (e *entry) prepare() {
	e.once.Do(func() {
		e.ctype = contentType(e.name, e.raw)
		e.body = e.raw
		if mediaType(e.ctype) == "text/html" {
			e.body = inject(e.raw)
		}
		sum := sha256.Sum256(e.body)
		e.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		e.compressible = compressible(e.ctype)
	})
}

// SetSite replaces the served site in one step: a request sees either the
// old site or the new one. files must not be modified after the call.
func (s *Server) SetSite(files map[string][]byte) {
	s.setMu.Lock()
	defer s.setMu.Unlock()
	old := s.site.Load()
	st := &site{files: make(map[string]*entry, len(files))}
	for name, b := range files {
		if e := old.files[name]; e != nil && sameBytes(e.raw, b) {
			st.files[name] = e
			continue
		}
		st.files[name] = &entry{name: name, raw: b}
	}
	s.site.Store(st)
}

// sameBytes reports whether a and b are the same slice (not merely equal).
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Diff returns, sorted, the paths added, removed or changed between two
// builds: what Reload wants.
func Diff(prev, next map[string][]byte) []string {
	var out []string
	for name, b := range next {
		if old, ok := prev[name]; !ok || !(sameBytes(old, b) || bytes.Equal(old, b)) {
			out = append(out, name)
		}
	}
	for name := range prev {
		if _, ok := next[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// serveEntry writes e with the given status: ETag and conditional requests,
// Range and HEAD for 200 (through http.ServeContent), gzip when the client
// takes it.
func (s *Server) serveEntry(w http.ResponseWriter, r *http.Request, e *entry, status int) {
	e.prepare()
	h := w.Header()
	h.Set("Content-Type", e.ctype)
	body, etag, gzipped := e.body, e.etag, false
	if e.compressible && len(e.body) >= minGzip {
		h.Add("Vary", "Accept-Encoding")
		if r.Header.Get("Range") == "" && acceptsGzip(r.Header.Values("Accept-Encoding")) {
			if gz := s.gz.get(e); gz != nil {
				body, gzipped = gz, true
				etag = strings.TrimSuffix(e.etag, `"`) + `-gz"`
				h.Set("Content-Encoding", "gzip")
			}
		}
	}
	if status == http.StatusOK {
		h.Set("ETag", etag)
		if gzipped {
			// ServeContent leaves the length unset once an encoding is set.
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// gzipCache keeps compressed bodies by content hash, so a rebuild that hands
// over equal bytes does not compress them again.
type gzipCache struct {
	mu   sync.Mutex
	m    map[string][]byte // ETag → gzip body; nil value: gzip did not help
	size int
}

func (c *gzipCache) get(e *entry) []byte {
	c.mu.Lock()
	gz, ok := c.m[e.etag]
	c.mu.Unlock()
	if ok {
		return gz
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(e.body)
	_ = zw.Close()
	if buf.Len() < len(e.body) {
		gz = buf.Bytes()
	}
	c.mu.Lock()
	if c.m == nil || c.size+len(gz) > gzipSize {
		c.m, c.size = make(map[string][]byte), 0
	}
	c.m[e.etag] = gz
	c.size += len(gz)
	c.mu.Unlock()
	return gz
}

// acceptsGzip reads Accept-Encoding: gzip (or x-gzip) with q > 0, or "*"
// with q > 0 when gzip is not named.
func acceptsGzip(values []string) bool {
	gz, star := -1.0, -1.0
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			q := 1.0
			for prm := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(prm, "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					} else {
						q = 0
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gz = max(gz, q)
			case "*":
				star = max(star, q)
			}
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}

// knownTypes fixes the types that matter instead of trusting the system's
// MIME tables.
var knownTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".map":         "application/json; charset=utf-8",
	".xml":         "application/xml; charset=utf-8",
	".svg":         "image/svg+xml",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ico":         "image/x-icon",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".pdf":         "application/pdf",
}

// contentType picks a file's Content-Type from its extension, sniffing the
// bytes when the extension says nothing.
func contentType(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := knownTypes[ext]; ok {
		return t
	}
	if ext != "" {
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
	}
	return http.DetectContentType(data)
}

func mediaType(ctype string) string {
	mt, _, _ := strings.Cut(ctype, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// compressible reports whether gzip is worth trying on a type.
func compressible(ctype string) bool {
	mt := mediaType(ctype)
	switch {
	case strings.HasPrefix(mt, "text/"),
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript",
		"application/wasm", "image/x-icon", "image/vnd.microsoft.icon":
		return true
	}
	return false
}

var closeBody = []byte("</body")

// inject puts the live script before the last </body>, or at the end when
// the page has none.
func inject(page []byte) []byte {
	i := lastIndexFold(page, closeBody)
	out := make([]byte, 0, len(page)+len(scriptTag))
	if i < 0 {
		out = append(out, page...)
		return append(out, scriptTag...)
	}
	out = append(out, page[:i]...)
	out = append(out, scriptTag...)
	return append(out, page[i:]...)
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case; sep starts with '<'.
func lastIndexFold(b, sep []byte) int {
	for end := len(b); end > 0; {
		i := bytes.LastIndexByte(b[:end], sep[0])
		if i < 0 {
			return -1
		}
		if i+len(sep) <= len(b) && bytes.EqualFold(b[i:i+len(sep)], sep) {
			return i
		}
		end = i
	}
	return -1
}
