//go:build !race

package understand

const raceEnabled = false
