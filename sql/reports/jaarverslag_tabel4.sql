-- Jaarverslag tabel4 — HALT referrals and official reports (proces-verbaal).
--
-- Counting rule (definitions.md, tabel4):
--   * every measure (maatregelen) HALT or PV whose datum lies in the school year,
--     1 August JJJJ to 31 July JJJJ+1 inclusive; the date of the report it belongs
--     to does not matter;
--   * joined to its report (verzuimmeldingen) by melding_id: a measure whose report has
--     not arrived (yet) is not counted;
--   * only reports whose youth was under 18 on the meldingsdatum (whole years lived:
--     date_sub, not date_diff);
--   * row by the report's verzuimsoort: relatief, luxe, absoluut (a measure on a SIGNAAL
--     report has no row and is not counted); column by measure: halt, pv.
-- Measures are counted. Only reports of youths living in a gemeente of the region
-- configuration (dim_gemeente) count. The `totaal` row and column are sums, added by
-- the report layout. tabel5 uses the same selection.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

maatregelen as (
    select
        m.maatregel,
        m.melding_id
    from fact_maatregel as m
    inner join jaar on m.datum between jaar.begin_date and jaar.end_date
    where m.maatregel in ('HALT', 'PV')
),

met_melding as (
    select
        m.maatregel,
        v.verzuimsoort
    from maatregelen as m
    inner join fact_verzuimmelding as v on v.melding_id = m.melding_id
    inner join dim_gemeente as g on g.gemeentecode = v.gemeentecode
    where date_sub('year', v.geboortedatum, v.meldingsdatum) < 18
      and v.verzuimsoort in ('RELATIEF', 'LUXE', 'ABSOLUUT')
)

select
    'tabel4' as tabel,
    s.rij,
    t.kolom,
    count(*) as waarde
from met_melding as m
inner join dim_verzuimsoort as s on s.code = m.verzuimsoort
inner join dim_maatregel as t on t.code = m.maatregel
group by s.rij, t.kolom
