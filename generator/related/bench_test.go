package related

import (
	"testing"
)

func benchmarkRelated(b *testing.B, n int) {
	items := heavyTail(n, 42)
	b.ResetTimer()
	var st Stats
	for b.Loop() {
		_, st = NewIndex(items).Compute(Options{})
	}
	b.ReportMetric(float64(st.Postings)/float64(n), "postings/item")
	b.ReportMetric(float64(len(st.Inexact)), "inexact")
}

// BenchmarkRelated10k: the whole computation (index and lists) for 10,000
// heavy-tail incidents.
func BenchmarkRelated10k(b *testing.B) { benchmarkRelated(b, 10_000) }

// BenchmarkRelated100k: the same for 100,000 incidents.
func BenchmarkRelated100k(b *testing.B) { benchmarkRelated(b, 100_000) }
