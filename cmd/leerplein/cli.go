package main

import (
	"errors"
	"strings"
)

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// exitError carries a specific exit status (e.g. 1 when a file was rejected).
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	var x exitError
	if errors.As(err, &x) {
		return x.code
	}
	return 1
}

func splitWords(s string) []string { return strings.Fields(s) }
func joinWords(w []string) string  { return strings.Join(w, " ") }

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
