-- KPIs thuiszitters and thuiszitters_langer_dan_3_maanden — homebound episodes per
-- school year and gemeente.
--
-- The episodes of jaarverslag tabel6 (sql/marts/14_thuiszitter_jaar.sql, telt): active
-- in the school year, of youths aged 5 to 17 on the later of startdatum and 1 August, in
-- every gemeente of the region.
--   * `thuiszitters`: every such episode (tabel6 thuiszitters/totaal);
--   * `langer_dan_3_maanden`: longer than 3 calendar months to the earlier of einddatum
--     and 31 July (tabel6 langer_dan_3_maanden/totaal).
--
-- No parameters: every school year at once.
select
    schooljaar,
    gemeentecode,
    count(*) as thuiszitters,
    count(*) filter (where langer_dan_3_maanden) as langer_dan_3_maanden
from mart.thuiszitter_jaar
where telt
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
