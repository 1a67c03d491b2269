//go:build !race

package warehouse_test

// leerplichtRace: see leerplichttelling_race_test.go.
const leerplichtRace = false
