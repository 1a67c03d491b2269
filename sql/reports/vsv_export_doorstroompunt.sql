-- VSV export — Doorstroompunt/RMC results per gemeente: jaarverslag tabel9, grouped by
-- the gemeente of residence on the trajectory.
--
-- Counting rule (definitions.md, tabel9), the same as jaarverslag_tabel9.sql: the
-- trajectories (rmc_trajecten) active in the school year Y: startdatum <= end(Y) and
-- (einddatum is empty or einddatum >= begin(Y)); trajectories are counted, not persons,
-- and no age limit applies.
--   * column `voor_verslagjaar` when melddatum < begin(Y) (known before the year),
--     else `nieuw`;
--   * row: when einddatum is set and <= end(Y), the trajectory's resultaat
--     (dim_rmc_resultaat.rij); otherwise it is still running at end(Y): `monitoring`
--     when trajectsoort = MONITORING, else `in_traject`.
-- Only trajectories of a gemeente of the region configuration (dim_gemeente) count, so
-- the gemeenten add up to tabel9 of the region exactly. The `subtotaal_*` and `totaal`
-- rows and the `totaal` column are sums, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

actief as (
    select
        r.gemeentecode,
        r.melddatum,
        r.einddatum,
        r.resultaat,
        r.trajectsoort,
        jaar.begin_date,
        jaar.end_date
    from fact_rmc_traject as r
    inner join jaar
        on r.startdatum <= jaar.end_date
        and (r.einddatum is null or r.einddatum >= jaar.begin_date)
    inner join dim_gemeente as g on g.gemeentecode = r.gemeentecode
),

ingedeeld as (
    select
        a.gemeentecode,
        case
            when a.einddatum is not null and a.einddatum <= a.end_date then u.rij
            when a.trajectsoort = 'MONITORING' then 'monitoring'
            else 'in_traject'
        end as rij,
        case when a.melddatum < a.begin_date then 'voor_verslagjaar' else 'nieuw' end as kolom
    from actief as a
    left join dim_rmc_resultaat as u on u.code = a.resultaat
)

select
    gemeentecode,
    rij,
    kolom,
    count(*) as waarde
from ingedeeld
group by gemeentecode, rij, kolom
