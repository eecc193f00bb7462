// Package casefile holds the built-in theme. It lives at the module root
// because go:embed can only reach files below the embedding package, and the
// theme's templates/ and static/ folders sit at the top of the repository,
// where the sample knowledge base uses them directly.
package casefile

import "embed"

// Theme is the default theme: templates/ and static/ of this repository,
// compiled into the binary so a knowledge base needs neither.
//
//go:embed templates static
var Theme embed.FS
