-- KPIs rmc_ers and rmc_herplaatst_pct — Doorstroompunt/RMC trajectories per school year
-- and gemeente.
--
-- The counting rule of jaarverslag tabel8 and tabel9 (sql/reports/jaarverslag_tabel8.sql,
-- jaarverslag_tabel9.sql): trajectories, not persons, active in school year Y:
-- startdatum <= end(Y) and (einddatum is empty or einddatum >= begin(Y)); no age limit;
-- only youths living in a gemeente of the region configuration (dim_gemeente).
--   * `trajecten`: every active trajectory — rmc_ers, tabel8 rmc_ers/aantal (= tabel9
--     totaal/totaal);
--   * `afgerond`: those with einddatum set and <= end(Y), i.e. with a resultaat in Y —
--     tabel9 totaal − subtotaal_monitoring (column totaal);
--   * `herplaatst`: of those, resultaat SCHOLING, WERK_SCHOLING, STAGE_WET, OPVANG
--     (tabel9 subtotaal_scholing) or WERK.
-- rmc_herplaatst_pct = 100 · herplaatst / afgerond, rounded half away from zero to 2
-- decimals; with a filter both counts are summed first. Both report columns
-- (voor_verslagjaar and nieuw) count.
--
-- No parameters: every school year at once.
with actief as (
    select
        jaar.schooljaar,
        r.gemeentecode,
        r.einddatum is not null and r.einddatum <= jaar.end_date as is_afgerond,
        u.subtotaal,
        u.rij
    from fact_rmc_traject as r
    inner join dim_schooljaar as jaar
        on r.startdatum <= jaar.end_date
        and (r.einddatum is null or r.einddatum >= jaar.begin_date)
    inner join dim_gemeente as g on g.gemeentecode = r.gemeentecode
    left join dim_rmc_resultaat as u on u.code = r.resultaat
)

select
    schooljaar,
    gemeentecode,
    count(*) as trajecten,
    count(*) filter (where is_afgerond) as afgerond,
    count(*) filter (where is_afgerond and (subtotaal = 'subtotaal_scholing' or rij = 'werk')) as herplaatst
from actief
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
