package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

var tokenCreateHelp = commandHelp{
	usage: "--name NAAM --role bestuur|analist|beheer [--expires DATUM] [--db PAD | --config BESTAND] [--server URL]",
	text: `Het token is voor de API of Grafana ('Authorization: Bearer <token>'). Het wordt één
keer getoond, alleen op de laatste regel; het warehouse bewaart alleen een hash.
Rollen: bestuur (KPI's, kleine aantallen afgeschermd), analist (exacte cijfers),
beheer (ook laden, back-ups, gebruikers en tokens). Een token werkt tot en met
--expires (een datum, 2027-03-01, of een tijdstip in RFC 3339); zonder --expires een
jaar, hoogstens twee jaar.

Houdt een draaiende server het warehouse vast, dan maakt die het token (met een token
met rol beheer in $LEERPLEIN_TOKEN; --server of --config zegt waar de server luistert).
Het nieuwe token werkt meteen. Elke wijziging komt in het toegangslogboek.`,
	examples: []string{
		"leerplein token create --name grafana --role analist",
		"leerplein token create --name stagiair --role analist --expires 2027-03-01 --config /etc/leerplein.yaml",
	},
}

var tokenRevokeHelp = commandHelp{
	usage: "(--name NAAM | --id NUMMER) [--db PAD | --config BESTAND] [--server URL]",
	text: `Met --name elk geldig token met die naam, met --id één token (GET /api/v1/tokens en
/beheer tonen de nummers). Een ingetrokken token werkt niet meer, ook niet bij een
draaiende server: houdt die het warehouse vast, dan trekt hij het in (met een token met
rol beheer in $LEERPLEIN_TOKEN), en het wordt meteen geweigerd.`,
	examples: []string{"leerplein token revoke --name grafana", "leerplein token revoke --id 7 --config /etc/leerplein.yaml"},
}

// cmdTokenCreate creates a bearer token and prints it once, alone on its last line;
// through the running server when it holds the warehouse.
func cmdTokenCreate(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("token create")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` wie of wat het token gebruikt, bijvoorbeeld grafana (verplicht)")
	role := fset.String("role", "", "`ROL` bestuur, analist of beheer (verplicht)")
	expires := fset.String("expires", "", "`DATUM` de laatste dag dat het token werkt (2027-03-01) of een tijdstip in RFC 3339; standaard een jaar, hoogstens twee")
	via := addServerFlags(fset)
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("token create: onverwacht argument %q", fset.Arg(0))}
	case strings.TrimSpace(*name) == "":
		return usageError{"token create: --name is verplicht (wie of wat het token gebruikt, bijvoorbeeld --name grafana)"}
	case !validRole(*role):
		return usageError{fmt.Sprintf("token create: --role %q: kies uit %s", *role, strings.Join(api.RoleNames(), ", "))}
	}
	until, err := api.ParseExpiry(*expires, time.Now())
	if err != nil {
		reason, _ := api.Reason(err)
		return usageError{"token create: --expires: " + reason}
	}
	if err := via.resolve(fset, dbPath); err != nil {
		return err
	}
	db, err := warehouse.Open(ctx, *dbPath)
	var t api.Token
	var token string
	switch {
	case errors.Is(err, warehouse.ErrLocked):
		c, err := via.peopleClient(e, err, "token create", args)
		if err != nil {
			return err
		}
		// The server reads --expires itself: a date is a day on its clock.
		if t, token, err = tokenCreateViaServer(ctx, c, *name, *role, *expires); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		defer db.Close()
		if t, token, err = api.IssueToken(ctx, db, cliActor(e), *name, *role, until, time.Now()); err != nil {
			return refused("token create", err)
		}
	}
	fmt.Fprintf(e.stdout, "Token %d voor %q (rol %s, geldig tot %s) aangemaakt. Het wordt alleen nu getoond; bewaar het veilig:\n",
		t.ID, t.Name, t.Role, expiryText(t.ExpiresAt))
	fmt.Fprintln(e.stdout, token)
	return nil
}

// expiryText is when a token stops working, for a person: in the bureau's time zone,
// where a date given to --expires ends.
func expiryText(t *time.Time) string {
	if t == nil {
		return "onbeperkt"
	}
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return t.In(loc).Format("2006-01-02 15:04")
	}
	return t.Format("2006-01-02 15:04 MST")
}

func validRole(r string) bool {
	for _, n := range api.RoleNames() {
		if n == r {
			return true
		}
	}
	return false
}

// cmdTokenRevoke revokes the tokens of a name, or one token by id; through the running
// server when it holds the warehouse.
func cmdTokenRevoke(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("token revoke")
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	name := fset.String("name", "", "`NAAM` trek elk geldig token met deze naam in")
	id := fset.Int64("id", 0, "`NUMMER` trek het token met dit nummer in")
	via := addServerFlags(fset)
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 || (strings.TrimSpace(*name) == "") == (*id == 0) || *id < 0 {
		return usageError{"token revoke: geef --name NAAM of --id NUMMER (één van beide)"}
	}
	if err := via.resolve(fset, dbPath); err != nil {
		return err
	}
	db, err := warehouse.Open(ctx, *dbPath)
	var revoked []api.Token
	switch {
	case errors.Is(err, warehouse.ErrLocked):
		c, err := via.peopleClient(e, err, "token revoke", args)
		if err != nil {
			return err
		}
		if revoked, err = tokenRevokeViaServer(ctx, c, *name, *id); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		defer db.Close()
		if revoked, err = revokeLocal(ctx, e, db, *name, *id); err != nil {
			return refused("token revoke", err)
		}
	}
	if len(revoked) == 0 {
		if *id != 0 {
			return exitError{code: 1, err: fmt.Errorf("token revoke: er is geen geldig token %d", *id)}
		}
		return exitError{code: 1, err: fmt.Errorf("token revoke: er is geen geldig token met de naam %q", *name)}
	}
	for _, t := range revoked {
		fmt.Fprintf(e.stdout, "Token %d (%s, rol %s) ingetrokken.\n", t.ID, t.Name, t.Role)
	}
	return nil
}

// revokeLocal revokes on the warehouse file itself (no server holds it).
func revokeLocal(ctx context.Context, e env, db *warehouse.DB, name string, id int64) ([]api.Token, error) {
	now := time.Now()
	tokens, err := api.ListTokens(ctx, db, now)
	if err != nil {
		return nil, err
	}
	var revoked []api.Token
	for _, t := range tokens {
		if t.RevokedAt != nil || (id != 0 && t.ID != id) || (id == 0 && t.Name != name) {
			continue
		}
		if _, err := api.RevokeToken(ctx, db, cliActor(e), t.ID, now); err != nil {
			return revoked, err
		}
		revoked = append(revoked, t)
	}
	return revoked, nil
}
