# The psycopg 3 client of TestPGWire: binary results, server-side prepared statements
# with parameters, a transaction as psycopg opens one, and a refused statement. It
# prints "ok" and exits 0 when everything answered as expected.
import datetime
import decimal
import os
import sys

import psycopg

conninfo = os.environ["LEERPLEIN_PG"]
with psycopg.connect(conninfo, prepare_threshold=1) as conn:
    with conn.cursor(binary=True) as cur:
        for year in (2019, 2020, 2021):
            cur.execute(
                "select schooljaar, jaar, begindatum, jaar * 1.5 as anderhalf from schooljaren where jaar = %s",
                (year,),
                prepare=True,
            )
            row = cur.fetchone()
            assert row[0] == f"{year}-{year + 1}", row
            assert row[1] == year, row
            assert row[2] == datetime.date(year, 8, 1), row
            assert row[3] == decimal.Decimal(year) * decimal.Decimal("1.5"), row
        cur.execute("select count(*) from analist.verzuimmeldingen where meldingsdatum >= %s", (datetime.date(2018, 8, 1),))
        assert cur.fetchone()[0] > 0
    try:
        conn.execute("copy gemeenten to stdout")
    except psycopg.errors.InsufficientPrivilege as e:
        assert "query geweigerd" in str(e), e
    else:
        sys.exit("copy was not refused")
    conn.rollback()
    assert conn.execute("select 1").fetchone()[0] == 1
print("ok")
