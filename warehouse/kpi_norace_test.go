//go:build !race

package warehouse_test

// raceDetector: see kpi_race_test.go.
const raceDetector = false
