package api

import (
	"encoding/json"
	"errors"
	"io"
)

// errTrailingJSON is a body with more after its one JSON value.
var errTrailingJSON = errors.New("the body holds more than one JSON value (data after the closing bracket)")

// decodeJSONBody reads exactly one JSON value from r into v. Unknown fields are an
// error, and so is anything but white space after the value: a second value or stray
// characters mean the client sent something other than it thinks, and guessing which
// part it meant is how a proxy and this server come to read different requests.
func decodeJSONBody(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailingJSON
	}
	return nil
}
