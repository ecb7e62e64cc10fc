// Package partnergraph holds the domain of PartnerGraph: businesses, the services they offer,
// the networks they belong to, the trust and partnerships between them, and the Store that
// keeps them. It imports only the standard library.
package partnergraph

import (
	"errors"
	"fmt"
)

// Code classifies an error for the API. Its values are the GraphQL extensions.code strings.
type Code string

// The error codes. Every error a Store, matching or leads returns carries one of them
// (errors without one are INTERNAL).
const (
	EINVALID         Code = "BAD_USER_INPUT"
	ENOTFOUND        Code = "NOT_FOUND"
	ECONFLICT        Code = "CONFLICT"
	EFORBIDDEN       Code = "FORBIDDEN"
	EUNAUTHENTICATED Code = "UNAUTHENTICATED"
	ERATELIMITED     Code = "RATE_LIMITED"
	EINTERNAL        Code = "INTERNAL"
)

// Error is the one error type of the domain. Field names the input field at fault, for
// EINVALID errors, in the API's spelling (for example "input.location.lat").
type Error struct {
	Code    Code
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalidf returns an EINVALID *Error for the named field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL if there is none,
// and "" for a nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// WithFieldPrefix returns err with prefix prepended to its Field, so that a check done on a
// nested value names the field as the API sees it: an EINVALID always (one without a field
// names the prefix), any other error that names a field (a CONFLICT on an idempotency key is
// about input.idempotencyKey too). Other errors are returned unchanged.
func WithFieldPrefix(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) || (e.Code != EINVALID && e.Field == "") {
		return err
	}
	f := prefix
	if e.Field != "" {
		f = prefix + "." + e.Field
	}
	return &Error{Code: e.Code, Field: f, Message: e.Message}
}
