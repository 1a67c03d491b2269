-- KPI thuiszitters_aanbod_binnen_3_maanden_pct — of the homebound episodes that started
-- in the school year, how many had an offer (aanbod) within three months.
--
-- Counting rule (definitions.md, KPIs), per school year and gemeente:
--   * `gestart` (the base): episodes whose startdatum lies in the school year, of a youth
--     aged 5 to 17 on the startdatum (the population of tabel6: date_sub, gemeente in
--     the region configuration);
--   * `binnen_3_maanden`: of those, the episodes with an aanbod_datum not longer than 3
--     calendar months after startdatum: aanbod_datum <= startdatum + interval 3 month
--     (the negation of tabel6's "longer than 3 months"). An episode without an
--     aanbod_datum has had no offer and does not count here, also when it started less
--     than three months before the data were delivered.
-- The percentage is 100 · binnen_3_maanden / gestart, rounded half away from zero to 2
-- decimals as tabel7's percentages are; with a sub-region or gemeente filter both
-- counts are summed first. A year without started episodes has no percentage.
--
-- No parameters: every school year at once.
with gestart as (
    select
        jaar.schooljaar,
        t.gemeentecode,
        t.startdatum,
        t.aanbod_datum,
        date_sub('year', t.geboortedatum, t.startdatum) as leeftijd
    from fact_thuiszitter as t
    inner join dim_schooljaar as jaar on t.startdatum between jaar.begin_date and jaar.end_date
    inner join dim_gemeente as g on g.gemeentecode = t.gemeentecode
),

leerplichtig as (
    select
        schooljaar,
        gemeentecode,
        coalesce(aanbod_datum <= startdatum + interval 3 month, false) as is_binnen_3_maanden
    from gestart
    where leeftijd between 5 and 17
)

select
    schooljaar,
    gemeentecode,
    count(*) as gestart,
    count(*) filter (where is_binnen_3_maanden) as binnen_3_maanden
from leerplichtig
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
