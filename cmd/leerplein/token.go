package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

var tokenCreateHelp = commandHelp{
	usage: "--name NAAM --role bestuur|analist|beheer [--db PAD]",
	text: `Het token is voor de API of Grafana ('Authorization: Bearer <token>'). Het wordt één
keer getoond, alleen op de laatste regel; het warehouse bewaart alleen een hash.
Rollen: bestuur (KPI's, kleine aantallen afgeschermd), analist (exacte cijfers),
beheer (ook de laadgeschiedenis).`,
	examples: []string{"leerplein token create --name grafana --role analist"},
}

var tokenRevokeHelp = commandHelp{
	usage:    "--name NAAM [--db PAD]",
	text:     "Elk token dat met deze naam is gemaakt, werkt daarna niet meer. Stop eerst de server:\nhij houdt het warehouse-bestand open.",
	examples: []string{"leerplein token revoke --name grafana"},
}

// cmdTokenCreate creates a bearer token and prints it once, alone on its last line.
func cmdTokenCreate(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("token create")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` wie of wat het token gebruikt, bijvoorbeeld grafana (verplicht)")
	role := fset.String("role", "", "`ROL` bestuur, analist of beheer (verplicht)")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("token create: unexpected argument %q", fset.Arg(0))}
	case strings.TrimSpace(*name) == "":
		return usageError{"token create: --name is required (who or what uses the token, e.g. --name grafana)"}
	case !validRole(*role):
		return usageError{fmt.Sprintf("token create: --role %q: use one of %s", *role, strings.Join(api.RoleNames(), ", "))}
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := api.CreateToken(ctx, db, *name, *role)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Token voor %q (rol %s) aangemaakt. Het wordt alleen nu getoond; bewaar het veilig:\n", *name, *role)
	fmt.Fprintln(e.stdout, token)
	return nil
}

func validRole(r string) bool {
	for _, n := range api.RoleNames() {
		if n == r {
			return true
		}
	}
	return false
}

// cmdTokenRevoke revokes every token of a name (stop the server first: it holds the file).
func cmdTokenRevoke(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("token revoke")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` de naam waarmee de tokens gemaakt zijn (verplicht)")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 || strings.TrimSpace(*name) == "" {
		return usageError{"usage: leerplein token revoke --name NAAM [--db PATH]"}
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := api.RevokeTokens(ctx, db, *name)
	if err != nil {
		return err
	}
	if n == 0 {
		return exitError{code: 1, err: fmt.Errorf("token revoke: no live token named %q", *name)}
	}
	fmt.Fprintf(e.stdout, "%d token(s) van %q ingetrokken.\n", n, *name)
	return nil
}
