package main

import (
	"context"
	"os"
	"testing"
)

// TestMain lets the test binary stand in for heed in the scripts tests run
// (the README's walk-through calls heed token create): with
// HEED_TEST_AS_HEED=1 it is the command line, not the tests.
func TestMain(m *testing.M) {
	if os.Getenv("HEED_TEST_AS_HEED") == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
