-- KPI thuiszitters_aanbod_binnen_3_maanden_pct — of the homebound episodes that started
-- in the school year, how many had an offer (aanbod) within three months.
--
-- Counting rule (definitions.md, KPIs), per school year and gemeente, over the episodes
-- of sql/marts/14_thuiszitter_jaar.sql:
--   * `gestart` (the base): episodes of tabel6's population (telt) whose startdatum lies
--     in the school year (gestart_in_jaar; for them the age is that on the startdatum);
--   * `binnen_3_maanden`: of those, the episodes with an aanbod_datum not longer than 3
--     calendar months after startdatum (aanbod_binnen_3_maanden). An episode without an
--     aanbod_datum has had no offer and does not count here, also when it started less
--     than three months before the data were delivered.
-- The percentage is 100 · binnen_3_maanden / gestart, rounded half away from zero to 2
-- decimals as tabel7's percentages are; with a sub-region or gemeente filter both
-- counts are summed first. A year without started episodes has no percentage.
--
-- No parameters: every school year at once.
select
    schooljaar,
    gemeentecode,
    count(*) as gestart,
    count(*) filter (where aanbod_binnen_3_maanden) as binnen_3_maanden
from mart.thuiszitter_jaar
where telt
  and gestart_in_jaar
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
