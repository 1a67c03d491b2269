-- Jaarverslag tabel5 — HALT referrals and official reports by outcome (afdoening).
--
-- Counting rule (definitions.md, tabel5): the same measures as tabel4
--   * HALT or PV, datum in the school year (1 August JJJJ to 31 July JJJJ+1 inclusive);
--   * joined to its report by melding_id (a measure without its report is not counted);
--   * youth under 18 on the report's meldingsdatum (date_sub, not date_diff);
--   * row by the report's verzuimsoort: relatief, luxe, absoluut;
--   * column by afdoening: leerstraf, geldboete, taakstraf, overig;
--   * column `totaal` counts every measure, so a measure with no afdoening yet (pending)
--     counts in `totaal` only: here `totaal` is NOT the sum of the outcome columns, and
--     equals tabel4's `totaal` column.
-- The `totaal` row is the sum of the rows, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

maatregelen as (
    select
        m.afdoening,
        m.melding_id
    from fact_maatregel as m
    inner join jaar on m.datum between jaar.begin_date and jaar.end_date
    where m.maatregel in ('HALT', 'PV')
),

met_melding as (
    select
        m.afdoening,
        v.verzuimsoort
    from maatregelen as m
    inner join fact_verzuimmelding as v on v.melding_id = m.melding_id
    inner join dim_gemeente as g on g.gemeentecode = v.gemeentecode
    where date_sub('year', v.geboortedatum, v.meldingsdatum) < 18
      and v.verzuimsoort in ('RELATIEF', 'LUXE', 'ABSOLUUT')
),

per_afdoening as (
    select
        s.rij,
        a.kolom
    from met_melding as m
    inner join dim_verzuimsoort as s on s.code = m.verzuimsoort
    inner join dim_afdoening as a on a.code = m.afdoening
),

alle as (
    select
        s.rij,
        'totaal' as kolom
    from met_melding as m
    inner join dim_verzuimsoort as s on s.code = m.verzuimsoort
),

ingedeeld as (
    select rij, kolom from per_afdoening
    union all
    select rij, kolom from alle
)

select
    'tabel5' as tabel,
    rij,
    kolom,
    count(*) as waarde
from ingedeeld
group by rij, kolom
