package pgwire

import (
	"fmt"
	"strings"
)

// Statements the server answers itself, without the sandbox: a client's session
// settings (SET of a PostgreSQL parameter, SHOW), transaction control and DISCARD.
// They change nothing in the sandbox, which is read-only and has no sessions; a SET of
// anything else (a DuckDB setting) goes to the sandbox, which refuses it.

// localStmt is a statement answered here.
type localStmt struct {
	tag    string // command tag
	show   string // SHOW: the parameter
	endsTx bool   // COMMIT, ROLLBACK: allowed in a failed transaction block
	apply  func(s *session)
	err    error
}

// sessionParams are PostgreSQL's session parameters a client may SET: accepted and
// remembered for SHOW, with no effect on the sandbox.
var sessionParams = map[string]bool{
	"application_name": true, "client_encoding": true, "datestyle": true, "extra_float_digits": true,
	"intervalstyle": true, "search_path": true, "statement_timeout": true, "lock_timeout": true,
	"idle_in_transaction_session_timeout": true, "timezone": true, "bytea_output": true,
	"client_min_messages": true, "standard_conforming_strings": true, "default_transaction_isolation": true,
	"default_transaction_read_only": true, "transaction_isolation": true, "transaction_read_only": true,
	"jit": true, "row_security": true, "names": true, "time": true, "session": true, "transaction": true,
	"escape_string_warning": true, "synchronous_commit": true, "geqo": true, "join_collapse_limit": true,
	"application_name_override": true, "idle_session_timeout": true, "default_transaction_deferrable": true,
	"enable_seqscan": true, "work_mem": true, "xmloption": true, "lc_messages": true, "lc_monetary": true,
	"lc_numeric": true, "lc_time": true, "intervalstyle_override": true,
}

// showParams are the values SHOW gives unless the session SET them.
var showParams = map[string]string{
	"server_version": ServerVersion, "server_version_num": "150000", "server_encoding": "UTF8",
	"client_encoding": "UTF8", "datestyle": "ISO, MDY", "intervalstyle": "postgres", "timezone": "UTC",
	"transaction_isolation": "read committed", "default_transaction_isolation": "read committed",
	"transaction_read_only": "on", "default_transaction_read_only": "on", "standard_conforming_strings": "on",
	"integer_datetimes": "on", "search_path": Schema, "max_identifier_length": "63", "lc_collate": "C.UTF-8",
	"lc_ctype": "C.UTF-8", "is_superuser": "off", "extra_float_digits": "1", "statement_timeout": "0",
	"application_name": "", "bytea_output": "hex", "client_min_messages": "notice", "lock_timeout": "0",
	"max_connections": "64", "block_size": "8192", "ssl": "off", "data_directory_mode": "0700",
	"in_hot_standby": "off", "default_text_search_config": "pg_catalog.simple", "jit": "off",
	"idle_in_transaction_session_timeout": "0", "row_security": "on", "wal_level": "replica",
}

// lowerName is a parameter name as SET and SHOW compare it.
func lowerName(s string) string { return strings.ToLower(strings.Trim(strings.TrimSpace(s), `"`)) }

// classifyLocal returns how the server answers q itself, nil when the sandbox does.
func classifyLocal(q string) *localStmt {
	words := firstWords(q, 4)
	if len(words) == 0 {
		return nil
	}
	switch words[0] {
	case "begin", "start":
		return &localStmt{tag: "BEGIN", apply: func(s *session) { s.txStatus = 'T' }}
	case "commit", "end":
		return &localStmt{tag: "COMMIT", endsTx: true, apply: func(s *session) { s.txStatus = 'I'; s.closePortals() }}
	case "rollback", "abort":
		if len(words) > 1 && words[1] == "to" {
			return &localStmt{tag: "ROLLBACK", endsTx: true, apply: func(s *session) {
				if s.txStatus == 'E' {
					s.txStatus = 'T'
				}
			}}
		}
		return &localStmt{tag: "ROLLBACK", endsTx: true, apply: func(s *session) { s.txStatus = 'I'; s.closePortals() }}
	case "savepoint":
		return &localStmt{tag: "SAVEPOINT"}
	case "release":
		return &localStmt{tag: "RELEASE"}
	case "discard":
		all := len(words) > 1 && words[1] == "all"
		tag := "DISCARD ALL"
		if !all && len(words) > 1 {
			tag = "DISCARD " + strings.ToUpper(words[1])
		}
		return &localStmt{tag: tag, apply: func(s *session) {
			if all {
				s.closePortals()
				clear(s.stmts)
				for k := range s.params {
					if k != "application_name" && k != "client_encoding" {
						delete(s.params, k)
					}
				}
			}
		}}
	case "deallocate":
		name := ""
		for _, w := range words[1:] {
			if w != "prepare" {
				name = w
				break
			}
		}
		if name == "" {
			name = nameAfter(q, "deallocate", "prepare")
		}
		return &localStmt{tag: "DEALLOCATE", apply: func(s *session) {
			if name == "all" {
				clear(s.stmts)
			} else {
				delete(s.stmts, name)
			}
		}}
	case "unlisten", "listen":
		return &localStmt{tag: strings.ToUpper(words[0])}
	case "close":
		return &localStmt{tag: "CLOSE CURSOR"}
	case "set", "reset":
		return classifySet(q, words)
	case "show":
		if len(words) < 2 {
			return nil
		}
		name := showName(q)
		if _, ok := showParams[name]; ok || name == "all" {
			return &localStmt{show: name}
		}
		if sessionParams[name] {
			return &localStmt{show: name}
		}
	}
	return nil
}

// classifySet answers SET and RESET of a PostgreSQL session parameter; nil for
// anything else (the sandbox refuses it).
func classifySet(q string, words []string) *localStmt {
	if len(words) < 2 {
		return nil
	}
	rest := words[1:]
	if rest[0] == "session" && len(rest) > 1 && rest[1] != "characteristics" && rest[1] != "authorization" || rest[0] == "local" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return nil
	}
	name := rest[0]
	switch {
	case words[0] == "reset":
		if name == "all" || sessionParams[name] {
			return &localStmt{tag: "RESET", apply: func(s *session) {
				if name == "all" {
					clear(s.params)
				} else {
					delete(s.params, name)
				}
			}}
		}
		return nil
	case name == "time" && len(rest) > 1 && rest[1] == "zone":
		return &localStmt{tag: "SET", apply: func(s *session) { s.params["timezone"] = setValue(q) }}
	case name == "session" || name == "transaction" || name == "names":
		return &localStmt{tag: "SET"}
	case sessionParams[name]:
		return &localStmt{tag: "SET", apply: func(s *session) { s.params[name] = setValue(q) }}
	}
	return nil
}

// setValue is the value of SET name = value (or TO value), unquoted.
func setValue(q string) string {
	toks := significant(lex(q))
	for i, t := range toks {
		if t.text == "=" || t.lower() == "to" || t.lower() == "zone" {
			var parts []string
			for _, v := range toks[i+1:] {
				s := v.text
				if v.kind == tokString {
					s = strings.ReplaceAll(s[1:len(s)-1], "''", "'")
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, " ")
		}
	}
	return ""
}

// showName is the parameter SHOW asks for ("transaction isolation level" as its name).
func showName(q string) string {
	toks := significant(lex(q))
	var parts []string
	for _, t := range toks[1:] {
		parts = append(parts, t.name())
	}
	name := strings.Join(parts, " ")
	switch name {
	case "transaction isolation level":
		return "transaction_isolation"
	case "time zone":
		return "timezone"
	}
	return lowerName(name)
}

func nameAfter(q string, skip ...string) string {
	for _, t := range significant(lex(q)) {
		n := t.name()
		if n == "" {
			continue
		}
		found := false
		for _, s := range skip {
			if n == s {
				found = true
			}
		}
		if !found {
			return n
		}
	}
	return ""
}

// showValue is a parameter's value for SHOW.
func (s *session) showValue(name string) (string, error) {
	if name == "all" {
		return "", &Error{Code: codeFeatureNotSupported, Message: "SHOW ALL wordt niet ondersteund; vraag een parameter bij naam"}
	}
	if v, ok := s.params[name]; ok {
		return v, nil
	}
	if v, ok := showParams[name]; ok {
		return v, nil
	}
	if sessionParams[name] {
		return "", nil
	}
	return "", &Error{Code: codeUndefinedObject, Message: fmt.Sprintf("onbekende parameter %q", name)}
}
