-- KPI vrijstellingen — exemptions granted per school year and gemeente.
--
-- The counting rule of jaarverslag tabel2 (sql/reports/jaarverslag_tabel2.sql):
--   * every exemption whose besluitdatum lies in the school year, 1 August JJJJ to
--     31 July JJJJ+1 inclusive;
--   * of a youth aged 5 to 17 on the besluitdatum (date_sub);
--   * exemptions are counted, not persons, of every article the report has a row for
--     (dim_artikel);
--   * only youths living in a gemeente of the region configuration (dim_gemeente).
-- The KPI is tabel2 totaal/aantal; with a filter, the sum over those gemeenten.
--
-- No parameters: every school year at once.
with vrijstellingen as (
    select
        jaar.schooljaar,
        v.gemeentecode,
        date_sub('year', v.geboortedatum, v.besluitdatum) as leeftijd
    from fact_vrijstelling as v
    inner join dim_schooljaar as jaar on v.besluitdatum between jaar.begin_date and jaar.end_date
    inner join dim_gemeente as g on g.gemeentecode = v.gemeentecode
    inner join dim_artikel as a on a.code = v.artikel
)

select
    schooljaar,
    gemeentecode,
    count(*) as aantal
from vrijstellingen
where leeftijd between 5 and 17
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
