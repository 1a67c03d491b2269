package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

var userCreateHelp = commandHelp{
	usage: "--name NAAM --role bestuur|analist|beheer [--db PAD | --config BESTAND] [--server URL] [--replace] < wachtwoord",
	text: `Het wachtwoord komt van standaardinvoer (de eerste regel; --password-stdin zegt dat
expliciet), nooit als argument, zodat het niet in de shellgeschiedenis of de proceslijst
staat. Het warehouse bewaart alleen een bcrypt-hash. Een wachtwoord heeft minstens 12
tekens (spaties aan begin en eind tellen niet mee) en hoogstens 72 bytes; een naam
hoogstens 64 bytes, zonder /. --replace geeft een bestaande login een nieuw wachtwoord
en deze rol en schakelt hem in; lopende sessies van die login eindigen dan.

Houdt een draaiende server het warehouse vast, dan maakt die de login (met een token met
rol beheer in $LEERPLEIN_TOKEN; --server of --config zegt waar de server luistert). De
login werkt meteen. De laatste ingeschakelde login met rol beheer krijgt geen lagere rol.
Elke wijziging komt in het toegangslogboek (GET /api/v1/audit/access).`,
	examples: []string{`printf '%s\n' "$WACHTWOORD" | leerplein user create --name wethouder --role bestuur`},
}

var userDeleteHelp = commandHelp{
	usage: "--name NAAM [--db PAD | --config BESTAND] [--server URL]",
	text: `De sessies van de login eindigen meteen. Houdt een draaiende server het warehouse vast,
dan verwijdert die de login (met een token met rol beheer in $LEERPLEIN_TOKEN). De
laatste ingeschakelde login met rol beheer blijft.`,
	examples: []string{"leerplein user delete --name wethouder"},
}

// cmdUserCreate creates (or with --replace resets) a dashboard login, reading the
// password from standard input; through the running server when it holds the warehouse.
func cmdUserCreate(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("user create")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` de loginnaam (verplicht)")
	role := fset.String("role", "", "`ROL` bestuur, analist of beheer (verplicht)")
	replace := fset.Bool("replace", false, "geef een bestaande login een nieuw wachtwoord en deze rol, en schakel hem in")
	fset.Bool("password-stdin", true, "lees het wachtwoord van standaardinvoer (de enige manier; voor de duidelijkheid toegestaan)")
	via := addServerFlags(fset)
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("user create: onverwacht argument %q (het wachtwoord komt van standaardinvoer)", fset.Arg(0))}
	case strings.TrimSpace(*name) == "":
		return usageError{"user create: --name is verplicht"}
	case api.CheckUserName(*name) != nil:
		return usageError{"user create: --name: " + api.CheckUserName(*name).Error()}
	case !validRole(*role):
		return usageError{fmt.Sprintf("user create: --role %q: kies uit %s", *role, strings.Join(api.RoleNames(), ", "))}
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return usageError{"user create: geen wachtwoord op standaardinvoer; bijvoorbeeld printf '%s\\n' \"$WACHTWOORD\" | leerplein user create …"}
	}
	password := strings.TrimRight(line, "\r\n")
	if err := api.CheckPassword(password); err != nil {
		return usageError{"user create: " + err.Error()}
	}
	if err := via.resolve(fset, dbPath); err != nil {
		return err
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if errors.Is(err, warehouse.ErrLocked) {
		c, err := via.peopleClient(e, err, "user create", args)
		if err != nil {
			return err
		}
		if err := userCreateViaServer(ctx, c, *name, *role, password, *replace); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Login %q (rol %s) opgeslagen; hij werkt meteen.\n", *name, *role)
		return nil
	}
	if err != nil {
		return err
	}
	defer db.Close()
	if err := api.SetUserAs(ctx, db, cliActor(e), *name, *role, password, *replace, time.Now()); err != nil {
		return refused("user create", err)
	}
	fmt.Fprintf(e.stdout, "Login %q (rol %s) opgeslagen.\n", *name, *role)
	return nil
}

// cmdUserDelete removes a dashboard login; its sessions end with it. Through the
// running server when it holds the warehouse.
func cmdUserDelete(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("user delete")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` de login die verwijderd wordt (verplicht)")
	via := addServerFlags(fset)
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 || strings.TrimSpace(*name) == "" {
		return usageError{"user delete: --name is verplicht"}
	}
	if err := via.resolve(fset, dbPath); err != nil {
		return err
	}
	db, err := warehouse.Open(ctx, *dbPath)
	var found bool
	switch {
	case errors.Is(err, warehouse.ErrLocked):
		c, err := via.peopleClient(e, err, "user delete", args)
		if err != nil {
			return err
		}
		if found, err = userDeleteViaServer(ctx, c, *name); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		defer db.Close()
		if found, err = api.DeleteUserAs(ctx, db, cliActor(e), *name, time.Now()); err != nil {
			return refused("user delete", err)
		}
	}
	if !found {
		return exitError{code: 1, err: fmt.Errorf("user delete: er is geen login %q", *name)}
	}
	fmt.Fprintf(e.stdout, "Login %q verwijderd; de sessies ervan zijn beëindigd.\n", *name)
	return nil
}

// refused is the error of a change to a user or token that the warehouse refused: its
// Dutch reason alone (exit status 1), or the error as it is.
func refused(cmd string, err error) error {
	if reason, ok := api.Reason(err); ok {
		msg := cmd + ": " + reason
		if errors.Is(err, api.ErrUserExists) {
			msg += " (--replace geeft een bestaande login een nieuw wachtwoord en deze rol)"
		}
		return exitError{code: 1, err: errors.New(msg)}
	}
	return fmt.Errorf("%s: %w", cmd, err)
}
