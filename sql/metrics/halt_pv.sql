-- KPI halt_pv — HALT referrals and official reports (proces-verbaal) per school year and
-- gemeente.
--
-- The counting rule of jaarverslag tabel4 (sql/reports/jaarverslag_tabel4.sql):
--   * every measure HALT or PV whose datum lies in the school year, 1 August JJJJ to
--     31 July JJJJ+1 inclusive (the date of its report does not matter);
--   * joined to its report by melding_id: a measure whose report has not arrived (yet)
--     is not counted;
--   * only reports of RELATIEF, LUXE or ABSOLUUT verzuim whose youth was under 18 on the
--     meldingsdatum (date_sub);
--   * the gemeente is that of the report, which must be in the region configuration.
-- Measures are counted. The KPI is tabel4 totaal/totaal; with a filter, the sum over
-- those gemeenten.
--
-- No parameters: every school year at once.
with maatregelen as (
    select
        jaar.schooljaar,
        m.melding_id
    from fact_maatregel as m
    inner join dim_schooljaar as jaar on m.datum between jaar.begin_date and jaar.end_date
    inner join dim_maatregel as t on t.code = m.maatregel
    where m.maatregel in ('HALT', 'PV')
),

met_melding as (
    select
        m.schooljaar,
        v.gemeentecode
    from maatregelen as m
    inner join fact_verzuimmelding as v on v.melding_id = m.melding_id
    inner join dim_gemeente as g on g.gemeentecode = v.gemeentecode
    inner join dim_verzuimsoort as s on s.code = v.verzuimsoort
    where date_sub('year', v.geboortedatum, v.meldingsdatum) < 18
      and v.verzuimsoort in ('RELATIEF', 'LUXE', 'ABSOLUUT')
)

select
    schooljaar,
    gemeentecode,
    count(*) as aantal
from met_melding
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
