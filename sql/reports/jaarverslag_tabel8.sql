-- Jaarverslag tabel8 — Doorstroompunt/RMC caseload.
--
-- Counting rule (definitions.md, tabel8): trajectories (rmc_trajecten), not persons,
-- active in the school year Y: startdatum <= end(Y) (31 July) and (einddatum is empty
-- or einddatum >= begin(Y) (1 August)). No age limit is applied. Row `rmc_ers`,
-- column `aantal`. Only youths living in a gemeente of the region configuration
-- (dim_gemeente) count. Equals tabel9's `totaal`/`totaal`.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

actief as (
    select r.traject_id
    from fact_rmc_traject as r
    inner join jaar
        on r.startdatum <= jaar.end_date
        and (r.einddatum is null or r.einddatum >= jaar.begin_date)
    inner join dim_gemeente as g on g.gemeentecode = r.gemeentecode
)

select
    'tabel8' as tabel,
    'rmc_ers' as rij,
    'aantal' as kolom,
    count(*) as waarde
from actief
