package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

const userCreateUsage = `usage: leerplein user create --name NAAM --role bestuur|analist|beheer [--db PATH] [--replace] < wachtwoord

Maakt een login voor het dashboard. Het wachtwoord komt van standaardinvoer (de eerste
regel; --password-stdin zegt dat expliciet), nooit als argument, zodat het niet in de
shellgeschiedenis of de proceslijst staat. Het warehouse bewaart alleen een bcrypt-hash.
--replace geeft een bestaande login een nieuw wachtwoord en deze rol.

Voorbeeld: printf '%s\n' "$WACHTWOORD" | leerplein user create --name wethouder --role bestuur

flags:
`

// cmdUserCreate creates (or with --replace resets) a dashboard login, reading the
// password from standard input.
func cmdUserCreate(ctx context.Context, e env, args []string) error {
	fset := flag.NewFlagSet("user create", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		_, _ = io.WriteString(fset.Output(), userCreateUsage)
		fset.PrintDefaults()
	}
	dbPath := fset.String("db", warehouse.DefaultPath, "warehouse file")
	name := fset.String("name", "", "login name (required)")
	role := fset.String("role", "", "bestuur, analist or beheer (required)")
	replace := fset.Bool("replace", false, "reset the password and role of an existing login")
	fset.Bool("password-stdin", true, "read the password from standard input (the only way; accepted for clarity)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("user create: unexpected argument %q (the password comes from standard input)", fset.Arg(0))}
	case strings.TrimSpace(*name) == "":
		return usageError{"user create: --name is required"}
	case !validRole(*role):
		return usageError{fmt.Sprintf("user create: --role %q: use one of %s", *role, strings.Join(api.RoleNames(), ", "))}
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return usageError{"user create: no password on standard input; e.g. printf '%s\\n' \"$WACHTWOORD\" | leerplein user create …"}
	}
	password := strings.TrimRight(line, "\r\n")
	if len(password) < api.MinPasswordLength {
		return usageError{fmt.Sprintf("user create: the password is too short: at least %d characters", api.MinPasswordLength)}
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
