//go:build race

package warehouse_test

// leerplichtRace is set under -race (make test), where loading the ten demo years for
// TestLeerplichttellingDemo would take minutes; the cases cover the rules.
const leerplichtRace = true
