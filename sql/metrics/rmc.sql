-- KPIs rmc_ers, rmc_herplaatst_pct, jikp and onderwijs_of_werk_pct — Doorstroompunt/RMC trajectories per school year
-- and gemeente.
--
-- The trajectories of jaarverslag tabel8 and tabel9 (sql/marts/15_rmc_traject_jaar.sql,
-- telt): active in the school year, every gemeente of the region, no age limit.
--   * `trajecten`: every active trajectory — rmc_ers, tabel8 rmc_ers/aantal (= tabel9
--     totaal/totaal);
--   * `afgerond`: those with a resultaat in the year (is_afgerond) — tabel9 totaal −
--     subtotaal_monitoring (column totaal);
--   * `herplaatst`: of those, resultaat SCHOLING, WERK_SCHOLING, STAGE_WET, OPVANG
--     (tabel9 subtotaal_scholing) or WERK (is_herplaatst);
--   * `jikp`: every active trajectory with specialisatie JIKP (is_jikp) — jikp;
--   * `onderwijs_of_werk`: of `afgerond`, resultaat SCHOLING, WERK_SCHOLING, STAGE_WET
--     or WERK, not OPVANG (is_onderwijs_of_werk).
-- rmc_herplaatst_pct = 100 · herplaatst / afgerond, rounded half away from zero to 2
-- decimals; onderwijs_of_werk_pct = 100 · onderwijs_of_werk / afgerond, rounded half
-- away from zero to 1 decimal; with a filter both counts are summed first, and no
-- trajectory ended (afgerond 0) gives no percentage. Both report columns
-- (voor_verslagjaar and nieuw) count.
--
-- No parameters: every school year at once.
select
    schooljaar,
    gemeentecode,
    count(*) as trajecten,
    count(*) filter (where is_afgerond) as afgerond,
    count(*) filter (where is_herplaatst) as herplaatst,
    count(*) filter (where is_jikp) as jikp,
    count(*) filter (where is_onderwijs_of_werk) as onderwijs_of_werk
from mart.rmc_traject_jaar
where telt
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
