package console

import (
	"os"
	"testing"
)

// TestMain drops the database the benchmarks seeded, once they all ran.
func TestMain(m *testing.M) {
	code := m.Run()
	benchDrop()
	os.Exit(code)
}
