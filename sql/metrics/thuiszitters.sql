-- KPIs thuiszitters and thuiszitters_langer_dan_3_maanden — homebound episodes per
-- school year and gemeente.
--
-- The episodes of jaarverslag tabel6 (sql/marts/14_thuiszitter_jaar.sql, telt): active
-- in the school year, of youths aged 5 to 17 on the later of startdatum and 1 August, in
-- every gemeente of the region.
--   * `thuiszitters`: every such episode (tabel6 thuiszitters/totaal);
--   * `langer_dan_3_maanden`: longer than 3 calendar months to the earliest of
--     einddatum, 31 July and $vandaag (tabel6 langer_dan_3_maanden/totaal).
--
-- Parameter: $vandaag, the day the figures are made; every school year at once.
select
    schooljaar,
    gemeentecode,
    count(*) as thuiszitters,
    count(*) filter (
        where mart.langer_dan_3_maanden_in_jaar(startdatum, einddatum, end_date, cast($vandaag as date))
    ) as langer_dan_3_maanden
from mart.thuiszitter_jaar
where telt
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
