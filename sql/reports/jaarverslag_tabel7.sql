-- Jaarverslag tabel7 — new early school leavers (vsv), from the DUO/OCW figures.
--
-- Counting rule (definitions.md, tabel7):
--   * the vsv_cijfers rows delivered for the school year (one per gebied and sector;
--     the loader keeps DEFINITIEF over VOORLOPIG);
--   * row `<sector>_<gebied>` in lower case (vo_regio, mbo_landelijk, …), present only
--     where delivered;
--   * `totaal_<gebied>`: the delivered TOTAAL row of that gebied; when none was
--     delivered, the sum of the gebied's delivered sectors;
--   * columns `deelnemers`, `vsvers` and `vsv_pct` = 100 · vsvers / deelnemers, rounded
--     half away from zero to 2 decimals (0 when there are no deelnemers).
-- DuckDB divides DECIMALs in DOUBLE, which rounds 1.005 down; so the percentage is
-- taken exactly: integer division gives the quotient truncated to whole thousandths
-- (truncating at the third decimal never crosses a ...5 boundary), then round() on
-- the DECIMAL rounds half away from zero.
-- Every cell of this table is computed here; the report layout adds nothing.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar
    from dim_schooljaar
    where schooljaar = $schooljaar
),

geleverd as (
    select
        v.gebied,
        v.sector,
        v.deelnemers,
        v.vsvers
    from fact_vsv as v
    inner join jaar on v.schooljaar = jaar.schooljaar
),

sectoren as (
    select gebied, sector, deelnemers, vsvers
    from geleverd
    where sector <> 'TOTAAL'
),

totaal_geleverd as (
    select gebied, sector, deelnemers, vsvers
    from geleverd
    where sector = 'TOTAAL'
),

totaal_berekend as (
    select
        gebied,
        'TOTAAL' as sector,
        cast(sum(deelnemers) as bigint) as deelnemers,
        cast(sum(vsvers) as bigint) as vsvers
    from sectoren
    where gebied not in (select gebied from totaal_geleverd)
    group by gebied
),

regels as (
    select gebied, sector, deelnemers, vsvers from sectoren
    union all
    select gebied, sector, deelnemers, vsvers from totaal_geleverd
    union all
    select gebied, sector, deelnemers, vsvers from totaal_berekend
),

met_pct as (
    select
        lower(sector) || '_' || lower(gebied) as rij,
        deelnemers,
        vsvers,
        case
            when deelnemers = 0 then 0
            else round(((100000 * vsvers) // deelnemers) * 0.001, 2)
        end as vsv_pct
    from regels
),

cellen as (
    select rij, 'deelnemers' as kolom, cast(deelnemers as decimal(18, 2)) as waarde from met_pct
    union all
    select rij, 'vsvers' as kolom, cast(vsvers as decimal(18, 2)) as waarde from met_pct
    union all
    select rij, 'vsv_pct' as kolom, cast(vsv_pct as decimal(18, 2)) as waarde from met_pct
)

select
    'tabel7' as tabel,
    rij,
    kolom,
    waarde
from cellen
