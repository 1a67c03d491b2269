package pgwire

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/hetleerplein/leerplein/warehouse"
)

// SQLSTATE codes the server answers with (PostgreSQL's errcodes).
const (
	codeInsufficientPrivilege = "42501"
	codeQueryCanceled         = "57014"
	codeSyntaxError           = "42601"
	codeUndefinedTable        = "42P01"
	codeUndefinedColumn       = "42703"
	codeUndefinedFunction     = "42883"
	codeUndefinedObject       = "42704"
	codeDataException         = "22000"
	codeInvalidText           = "22P02"
	codeAccessRule            = "42000" // syntax_error_or_access_rule_violation
	codeOutOfMemory           = "53200"
	codeInsufficientResources = "53000"
	codeTooManyConnections    = "53300"
	codeCannotConnectNow      = "57P03"
	codeInternal              = "XX000"
	codeProtocolViolation     = "08P01"
	codeInvalidPassword       = "28P01"
	codeInvalidAuthorization  = "28000"
	codeInvalidCatalog        = "3D000"
	codeInvalidParameter      = "22023"
	codeFeatureNotSupported   = "0A000"
	codeInvalidStatementName  = "26000"
	codeInvalidCursorName     = "34000"
	codeInFailedTransaction   = "25P02"
)

// Error is an error the client receives: a SQLSTATE and a message (Dutch, for the
// analyst).
type Error struct {
	Code    string
	Message string
	Detail  string
	Fatal   bool // ends the connection
}

// Error is the message the client sees.
func (e *Error) Error() string { return e.Message }

// LoginError refuses a login; Backend.Login returns it with the reason the client sees.
type LoginError struct {
	Code    string // 28P01 wrong password, 28000 not allowed (role, throttled)
	Message string
}

// Error is the reason the client sees.
func (e *LoginError) Error() string { return e.Message }

// errorOf maps an error of the sandbox (or of this server) to what the client sees.
func errorOf(err error) *Error {
	var we *Error
	var refused *warehouse.RefusedError
	var timeout *warehouse.TimeoutError
	var qe *warehouse.QueryError
	var mem *warehouse.MemoryError
	var crash *warehouse.CrashError
	var busy *BusyError
	switch {
	case errors.As(err, &we):
		return we
	case errors.As(err, &refused):
		return &Error{Code: codeInsufficientPrivilege, Message: err.Error()}
	case errors.As(err, &timeout):
		return &Error{Code: codeQueryCanceled, Message: err.Error()}
	case errors.As(err, &mem):
		return &Error{Code: codeOutOfMemory, Message: err.Error()}
	case errors.As(err, &qe):
		return &Error{Code: duckErrorCode(qe.Msg), Message: qe.Msg}
	case errors.Is(err, warehouse.ErrSandboxBusy):
		return &Error{Code: codeInsufficientResources, Message: err.Error()}
	case errors.As(err, &busy):
		return &Error{Code: codeInsufficientResources, Message: busy.Message}
	case errors.As(err, &crash):
		return &Error{Code: codeInternal, Message: err.Error()}
	case errors.Is(err, warehouse.ErrNoSandbox):
		return &Error{Code: codeCannotConnectNow, Message: "de SQL-zandbak wordt klaargezet; probeer het zo opnieuw"}
	case errors.Is(err, context.Canceled):
		return &Error{Code: codeQueryCanceled, Message: "query geannuleerd op verzoek van de client"}
	}
	return &Error{Code: codeInternal, Message: "interne fout"}
}

// BusyError refuses a statement because the caller already runs as many as allowed.
type BusyError struct{ Message string }

// Error is the message the client sees.
func (e *BusyError) Error() string { return e.Message }

// duckErrorCode picks a SQLSTATE for DuckDB's message of a failed query.
func duckErrorCode(msg string) string {
	switch {
	case strings.HasPrefix(msg, "Parser Error"):
		return codeSyntaxError
	case strings.Contains(msg, "Table with name") || strings.Contains(msg, "Table Function with name"):
		return codeUndefinedTable
	case strings.Contains(msg, "Referenced column") || strings.Contains(msg, "column") && strings.HasPrefix(msg, "Binder Error"):
		return codeUndefinedColumn
	case strings.Contains(msg, "Function with name") || strings.Contains(msg, "No function matches"):
		return codeUndefinedFunction
	case strings.HasPrefix(msg, "Conversion Error"):
		return codeInvalidText
	case strings.HasPrefix(msg, "Out of Range Error"), strings.HasPrefix(msg, "Invalid Input Error"):
		return codeDataException
	}
	return codeAccessRule
}

// errorResponse is the ErrorResponse message of e.
func errorResponse(e *Error) *pgproto3.ErrorResponse {
	sev := "ERROR"
	if e.Fatal {
		sev = "FATAL"
	}
	return &pgproto3.ErrorResponse{Severity: sev, SeverityUnlocalized: sev, Code: e.Code, Message: e.Message, Detail: e.Detail}
}
