package related_test

import (
	"fmt"
	"time"

	"casefile/generator/related"
)

func Example() {
	d := func(day int) time.Time { return time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC) }
	items := []related.Item{
		{ID: "moveit", Date: d(1), Keywords: []string{"ransomware", "file-transfer"}, Actors: []string{"cl0p"}},
		{ID: "goanywhere", Date: d(2), Keywords: []string{"ransomware", "file-transfer"}, Actors: []string{"cl0p"}},
		{ID: "colonial", Date: d(3), Keywords: []string{"ransomware", "pipeline"}, Sectors: []string{"energy"}},
		{ID: "solarwinds", Date: d(4), Keywords: []string{"supply-chain"}, Related: []string{"moveit"}},
		{ID: "kaseya", Date: d(5), Keywords: []string{"ransomware", "supply-chain"}},
	}
	x := related.NewIndex(items)
	res, _ := x.Compute(related.Options{N: 2})
	for i, rel := range res {
		fmt.Print(items[i].ID, ":")
		for _, j := range rel {
			fmt.Printf(" %s (%.2f)", items[j].ID, x.Score(i, j))
		}
		fmt.Println()
	}
	for _, s := range x.Explain(0, 1).Shared {
		fmt.Printf("%s %s on %d: %.2f\n", s.Kind, s.Term, s.DF, s.Weight)
	}
	// Output:
	// moveit: goanywhere (2.51) kaseya (0.22)
	// goanywhere: moveit (2.51) kaseya (0.22)
	// colonial: kaseya (0.22) goanywhere (0.22)
	// solarwinds: moveit (0.00) kaseya (0.92)
	// kaseya: solarwinds (0.92) colonial (0.22)
	// actor cl0p on 2: 1.37
	// keyword file-transfer on 2: 0.92
	// keyword ransomware on 4: 0.22
}
