-- KPI verzuim_meldingen and the monthly series verzuim_meldingen_maand — unauthorised
-- absence reports, counted per school year, calendar month, gemeente and verzuimsoort.
--
-- The selection is exactly that of jaarverslag tabel3 (sql/reports/jaarverslag_tabel3.sql):
--   * every report whose meldingsdatum lies in the school year, 1 August JJJJ to
--     31 July JJJJ+1 inclusive; SIGNAAL reports are never counted;
--   * age = whole years lived on the meldingsdatum (date_sub, not date_diff);
--   * RELATIEF, LUXE and ABSOLUUT under 18, and RELATIEF at 18 to 22; any other
--     combination (LUXE or ABSOLUUT at 18+, any report at 23+) is not counted;
--   * only youths living in a gemeente of the region configuration (dim_gemeente), and
--     only onderwijssoorten the report has a column for (dim_onderwijssoort).
-- Reports are counted, not persons.
--
-- The KPI verzuim_meldingen for a school year is the sum over its months, gemeenten and
-- verzuimsoorten: tabel3 `totaal`/`totaal`. With a sub-region or gemeente filter it is
-- the sum over those gemeenten. verzuim_meldingen_maand gives the months by verzuimsoort
-- (relatief includes the 18 to 22 year olds).
--
-- No parameters: every school year at once (the API computes this once per load).
with meldingen as (
    select
        m.verzuimsoort,
        m.meldingsdatum,
        m.gemeentecode,
        date_sub('year', m.geboortedatum, m.meldingsdatum) as leeftijd
    from fact_verzuimmelding as m
    inner join dim_gemeente as g on g.gemeentecode = m.gemeentecode
    inner join dim_onderwijssoort as o on o.code = m.onderwijssoort
    where m.verzuimsoort <> 'SIGNAAL'
),

geteld as (
    select
        verzuimsoort,
        meldingsdatum,
        gemeentecode
    from meldingen
    where leeftijd < 18
       or (verzuimsoort = 'RELATIEF' and leeftijd between 18 and 22)
)

select
    jaar.schooljaar,
    cast(date_trunc('month', g.meldingsdatum) as date) as maand,
    g.gemeentecode,
    s.rij as verzuimsoort,
    count(*) as aantal
from geteld as g
inner join dim_schooljaar as jaar on g.meldingsdatum between jaar.begin_date and jaar.end_date
inner join dim_verzuimsoort as s on s.code = g.verzuimsoort
group by all
order by jaar.schooljaar, maand, g.gemeentecode, verzuimsoort
