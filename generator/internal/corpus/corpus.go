// Package corpus writes deterministic synthetic knowledge bases for
// benchmarks: Hugo-compatible YAML front matter, a heavy tail of keywords
// (one on about 75% of incidents, 200+ distinct), 3–6 FAQ entries, and a
// body of about 8 KB with headings, lists, a table, two fenced code blocks
// and a FAQ section.
package corpus

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Incident returns the path and content of incident i of a corpus.
func Incident(i int) (path string, data []byte) {
	r := rand.New(rand.NewSource(int64(i)*7919 + 1))
	var sb strings.Builder
	kws := keywords(r)
	year := 2010 + i%15
	fmt.Fprintf(&sb, "---\ntitle: \"Incident %d: %s %s\"\ndate: %d-%02d-%02d\nsummary: \"%s\"\nkeywords: [%s]\nseverity: %s\nstatus: %s\nactors: [\"%s\"]\nsectors: [%s]\n",
		i, pick(r, adjectives), pick(r, nouns), year, 1+r.Intn(12), 1+r.Intn(28), sentence(r, 24),
		strings.Join(kws, ", "), pick(r, []string{"low", "moderate", "high", "critical"}),
		pick(r, []string{"ongoing", "contained", "resolved", "disputed"}), fmt.Sprintf("Group %d", r.Intn(60)), pick(r, sectors))
	sb.WriteString("faq:\n")
	for q := 0; q < 1+r.Intn(2); q++ {
		// Questions name their incident: a knowledge base asks each once.
		fmt.Fprintf(&sb, "  - question: \"Front-matter question %d about %s in incident %d?\"\n    answer: \"%s\"\n", q, pick(r, nouns), i, sentence(r, 20))
	}
	sb.WriteString("---\n")
	for len(sb.String()) < 7000 {
		fmt.Fprintf(&sb, "## %s %s\n\n%s\n\n", capitalize(pick(r, adjectives)), pick(r, nouns), paragraph(r))
		fmt.Fprintf(&sb, "- %s\n- %s with [a link](https://example.org/%d)\n- %s\n\n", sentence(r, 8), sentence(r, 6), r.Intn(1000), sentence(r, 10))
		if sb.Len() < 3000 {
			sb.WriteString("| Host | Impact | Fixed |\n|---|---|---|\n")
			for row := 0; row < 4; row++ {
				fmt.Fprintf(&sb, "| srv-%d | %s | %v |\n", r.Intn(100), pick(r, nouns), r.Intn(2) == 0)
			}
			sb.WriteString("\n```bash\n#!/usr/bin/env bash\nset -euo pipefail\nfor host in $(cat hosts.txt); do\n  ssh \"$host\" 'systemctl restart agent' && echo \"$host ok\"\ndone\n```\n\n")
			sb.WriteString("```yaml\nrules:\n  - id: detect-" + pick(r, nouns) + "\n    severity: high\n    match:\n      process: [\"powershell.exe\", \"cmd.exe\"]\n```\n\n")
		}
	}
	sb.WriteString("## Frequently Asked Questions\n\n")
	for q := 0; q < 2+r.Intn(3); q++ {
		fmt.Fprintf(&sb, "### Body question %d about %s in incident %d?\n\n%s\n\n", q, pick(r, nouns), i, paragraph(r))
	}
	return Path(i), []byte(sb.String())
}

// Body is the markdown body of incident i: its content after the front
// matter.
func Body(i int) []byte {
	_, data := Incident(i)
	k := bytes.Index(data[3:], []byte("\n---\n"))
	return data[3+k+5:]
}

// Path is the path of incident i of a corpus.
func Path(i int) string { return fmt.Sprintf("content/incidents/incident-%06d.md", i) }

// Config is the casefile.yaml of a corpus.
const Config = "title: Synthetic incidents\nbase_url: https://bench.example.org/\n"

func keywords(r *rand.Rand) []string {
	var out []string
	if r.Intn(100) < 75 {
		out = append(out, "ransomware")
	}
	for n := 2 + r.Intn(4); len(out) < n; {
		// Zipf-like tail over 240 keywords.
		k := int(float64(240) * r.Float64() * r.Float64() * r.Float64())
		kw := fmt.Sprintf("topic-%03d", k)
		dup := false
		for _, o := range out {
			dup = dup || o == kw
		}
		if !dup {
			out = append(out, kw)
		}
	}
	return out
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func pick(r *rand.Rand, list []string) string { return list[r.Intn(len(list))] }

func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = pick(r, vocabulary)
	}
	return capitalize(strings.Join(w, " ")) + "."
}

func paragraph(r *rand.Rand) string {
	var s []string
	for i := 0; i < 4+r.Intn(3); i++ {
		s = append(s, sentence(r, 8+r.Intn(12)))
	}
	return strings.Join(s, " ")
}

var (
	adjectives = []string{"critical", "widespread", "targeted", "silent", "persistent", "sudden", "global", "regional", "novel", "cascading"}
	nouns      = []string{"outage", "breach", "intrusion", "backdoor", "leak", "campaign", "exploit", "failure", "compromise", "wiper"}
	sectors    = []string{"government", "energy", "healthcare", "finance", "technology", "telecom", "retail", "education", "defense", "transport"}
	vocabulary = strings.Fields(`attacker network server update credential phishing malware vendor patch response
		customer database firewall endpoint cloud storage backup encryption ransom negotiation regulator disclosure
		investigation forensic timeline indicator domain certificate token session privilege escalation lateral movement
		exfiltration command control beacon implant loader dropper payload script scheduled task registry service account
		administrator password reset multifactor authentication monitoring alert analyst containment recovery restore
		outage latency routing configuration deployment rollback incident postmortem lesson mitigation vulnerability`)
)

// Write writes the corpus of n incidents into dir: dir/casefile.yaml and
// dir/content/incidents/. Only files whose content differs are written (so
// writing it again is cheap and keeps modification times), and incidents of
// a larger corpus in the same folder are removed. It returns how many
// incident files it wrote.
func Write(dir string, n int) (int, error) {
	incidents := filepath.Join(dir, "content", "incidents")
	if err := os.MkdirAll(incidents, 0o755); err != nil {
		return 0, err
	}
	if _, err := writeIfChanged(filepath.Join(dir, "casefile.yaml"), []byte(Config)); err != nil {
		return 0, err
	}
	entries, err := os.ReadDir(incidents)
	if err != nil {
		return 0, err
	}
	want := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		want[filepath.Base(Path(i))] = true
	}
	for _, e := range entries {
		if !want[e.Name()] {
			if err := os.RemoveAll(filepath.Join(incidents, e.Name())); err != nil {
				return 0, err
			}
		}
	}
	var (
		wg      sync.WaitGroup
		written atomic.Int64
		errOnce sync.Once
		first   error
		next    = make(chan int)
	)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p, data := Incident(i)
				changed, err := writeIfChanged(filepath.Join(dir, filepath.FromSlash(p)), data)
				if err != nil {
					errOnce.Do(func() { first = err })
				}
				if changed {
					written.Add(1)
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return int(written.Load()), first
}

func writeIfChanged(p string, data []byte) (bool, error) {
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	return true, os.WriteFile(p, data, 0o644)
}
