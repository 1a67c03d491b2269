package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

var userCreateHelp = commandHelp{
	usage: "--name NAAM --role bestuur|analist|beheer [--db PAD] [--replace] < wachtwoord",
	text: `Het wachtwoord komt van standaardinvoer (de eerste regel; --password-stdin zegt dat
expliciet), nooit als argument, zodat het niet in de shellgeschiedenis of de proceslijst
staat. Het warehouse bewaart alleen een bcrypt-hash. Een wachtwoord heeft minstens 12
tekens (spaties aan begin en eind tellen niet mee) en hoogstens 72 bytes; een naam
hoogstens 64 bytes. --replace geeft een bestaande login een nieuw wachtwoord en deze
rol; lopende sessies van die login eindigen dan.`,
	examples: []string{`printf '%s\n' "$WACHTWOORD" | leerplein user create --name wethouder --role bestuur`},
}

var userDeleteHelp = commandHelp{
	usage:    "--name NAAM [--db PAD]",
	text:     "Stop eerst de server: hij houdt het warehouse-bestand open.",
	examples: []string{"leerplein user delete --name wethouder"},
}

// cmdUserCreate creates (or with --replace resets) a dashboard login, reading the
// password from standard input.
func cmdUserCreate(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("user create")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` de loginnaam (verplicht)")
	role := fset.String("role", "", "`ROL` bestuur, analist of beheer (verplicht)")
	replace := fset.Bool("replace", false, "geef een bestaande login een nieuw wachtwoord en deze rol")
	fset.Bool("password-stdin", true, "lees het wachtwoord van standaardinvoer (de enige manier; voor de duidelijkheid toegestaan)")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("user create: unexpected argument %q (the password comes from standard input)", fset.Arg(0))}
	case strings.TrimSpace(*name) == "":
		return usageError{"user create: --name is required"}
	case api.CheckUserName(*name) != nil:
		return usageError{"user create: --name: " + api.CheckUserName(*name).Error()}
	case !validRole(*role):
		return usageError{fmt.Sprintf("user create: --role %q: use one of %s", *role, strings.Join(api.RoleNames(), ", "))}
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return usageError{"user create: no password on standard input; e.g. printf '%s\\n' \"$WACHTWOORD\" | leerplein user create …"}
	}
	password := strings.TrimRight(line, "\r\n")
	if err := api.CheckPassword(password); err != nil {
		return usageError{"user create: " + err.Error()}
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := api.SetUser(ctx, db, *name, *role, password, *replace); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Login %q (rol %s) opgeslagen.\n", *name, *role)
	return nil
}

// cmdUserDelete removes a dashboard login; its sessions end with it.
func cmdUserDelete(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("user delete")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` de login die verwijderd wordt (verplicht)")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 || strings.TrimSpace(*name) == "" {
		return usageError{"usage: leerplein user delete --name NAAM [--db PATH]"}
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	found, err := api.DeleteUser(ctx, db, *name)
	if err != nil {
		return err
	}
	if !found {
		return exitError{code: 1, err: fmt.Errorf("user delete: er is geen login %q", *name)}
	}
	fmt.Fprintf(e.stdout, "Login %q verwijderd; de sessies ervan zijn beëindigd.\n", *name)
	return nil
}
