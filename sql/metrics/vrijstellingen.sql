-- KPI vrijstellingen — exemptions granted per school year and gemeente.
--
-- The exemptions of jaarverslag tabel2 (sql/marts/13_vrijstelling.sql, telt): besluitdatum
-- in the school year, youths aged 5 to 17 on it, in gemeenten whose leerplicht the bureau
-- runs; exemptions are counted, not persons. The KPI is tabel2 totaal/aantal; with a
-- filter, the sum over those gemeenten.
--
-- No parameters: every school year at once.
select
    schooljaar,
    gemeentecode,
    count(*) as aantal
from mart.vrijstelling
where telt
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
