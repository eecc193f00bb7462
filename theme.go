// Package casefile holds the built-in theme. It lives at the module root
// because go:embed can only reach files below the embedding package, and the
// theme's templates/ and static/ folders sit at the top of the repository,
// where the sample knowledge base uses them directly.
package casefile

import "embed"

// Theme is the default theme: templates/, static/ and archetypes/ (what
// `casefile new` scaffolds) of this repository,
// compiled into the binary so a knowledge base needs none of them.
//
//go:embed templates static archetypes
var Theme embed.FS
