// Package e2e holds Casefile's end-to-end tests: sites built with the real
// pipeline (and the real `casefile` binary for `serve` and the internal
// export) are opened in headless Chromium, driven with chromedp, and the
// tests assert on what the pages show. The same suite runs axe-core on every
// page type, and TestScreenshots (make screenshots) writes the README's
// screenshots of the sample knowledge base.
//
// The browser is Debian's chromium (make browser-deps installs it, with
// axe-core under .cache/axe/). Without it the tests skip, except under
// CI=true, where they fail. CASEFILE_CHROMIUM names another browser binary;
// CASEFILE_AXE another axe.min.js.
//
// Everything is in _test.go files: this package has no code of its own.
package e2e
