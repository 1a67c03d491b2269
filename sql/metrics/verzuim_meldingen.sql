-- KPI verzuim_meldingen and the monthly series verzuim_meldingen_maand — unauthorised
-- absence reports, counted per school year, calendar month, gemeente and verzuimsoort.
--
-- The selection is exactly that of jaarverslag tabel3: the reports with a row in it
-- (sql/marts/11_verzuimmelding.sql, rij_tabel3): RELATIEF, LUXE and ABSOLUUT under 18 in
-- gemeenten whose leerplicht the bureau runs, and RELATIEF at 18 to 22 in every gemeente;
-- SIGNAAL never. Reports are counted, not persons.
--
-- The KPI verzuim_meldingen for a school year is the sum over its months, gemeenten and
-- verzuimsoorten: tabel3 `totaal`/`totaal`. With a sub-region or gemeente filter it is
-- the sum over those gemeenten (in IJmond, where leerplicht is run locally: the 18+
-- reports only). verzuim_meldingen_maand gives the months by verzuimsoort (relatief
-- includes the 18 to 22 year olds).
--
-- No parameters: every school year at once (the API computes this once per load).
select
    schooljaar,
    maand,
    gemeentecode,
    verzuimsoort_rij as verzuimsoort,
    count(*) as aantal
from (
    select schooljaar, maand, gemeentecode, lower(verzuimsoort) as verzuimsoort_rij
    from mart.verzuimmelding
    where rij_tabel3 is not null
      and kolom is not null
)
group by all
order by schooljaar, maand, gemeentecode, verzuimsoort
