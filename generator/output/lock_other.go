//go:build !linux

package output

import "errors"

// lockFolder does nothing here: a dead build's folder cannot be told from a
// live one's, so none is ever removed (canTellDead).
func lockFolder(string) (unlock func(), err error) { return func() {}, nil }

const canTellDead = false

var errNoExchange = errors.New("atomic exchange not supported")

func exchange(a, b string) error { return errNoExchange }
