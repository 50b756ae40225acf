package cases

import (
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// Code classifies a domain error; the HTTP and chat edges translate it.
type Code string

const (
	CodeInvalid   Code = "invalid"   // bad input: 400
	CodeNotFound  Code = "not_found" // 404
	CodeConflict  Code = "conflict"  // lost a race, or not allowed from the current state: 409
	CodeForbidden Code = "forbidden" // the actor may not do this: 403
	CodeInternal  Code = "internal"
)

// Error is a domain error with a code and a message fit to show a user.
type Error struct {
	Code    Code
	Message string
	Field   string            // the offending input field, for CodeInvalid
	Details map[string]string // e.g. "by": the staff id who won a race
}

func (e *Error) Error() string { return e.Message }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalidField(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

func (e *Error) with(k, v string) *Error {
	if e.Details == nil {
		e.Details = map[string]string{}
	}
	e.Details[k] = v
	return e
}

// ErrorCode returns the code of err, CodeInternal for foreign errors.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// pgCode returns the SQLSTATE of a PostgreSQL error, "" otherwise.
func pgCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}

const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlock             = "40P01"
)
