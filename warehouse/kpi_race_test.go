//go:build race

package warehouse_test

// raceDetector is set when the tests run under -race (make test). The tests on the ten
// demo years (loadDemo) skip then: loading them under the race detector takes minutes,
// so make test runs them once more without -race.
const raceDetector = true
