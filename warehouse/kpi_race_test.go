//go:build race

package warehouse_test

// raceDetector is set when the tests run under -race (make test). The demo comparison of
// TestKPIEqualsJaarverslag then gives way to the api package's TestKPIsEqualTheReport,
// which loads the same demo anyway: loading it twice under the race detector costs a
// minute and a half.
const raceDetector = true
