-- Jaarverslag tabel1 — youths by school type on the reference date (peildatum).
--
-- Counting rule (definitions.md, tabel1):
--   * rows of the `leerlingen` feed whose peildatum is the reference date of the school
--     year (1 October JJJJ); extracts of other dates are not counted;
--   * age = whole years lived on that peildatum (a real age: date_sub counts completed
--     years, unlike date_diff, which counts calendar-year boundaries);
--   * age 5 to 17: `jongens_5_18` (geslacht M), `meisjes_5_18` (geslacht V) and
--     `subtotaal_5_18` (every geslacht, so X is counted there only);
--   * age 18 to 22: `18_23_<subregio>`, by the sub-region of the gemeente of residence;
--   * columns by onderwijssoort (wpo, wec, wvo, web, onbekend, geen).
-- Only youths living in a gemeente of the region configuration (dim_gemeente) count.
-- This query gives the base cells; the `totaal` column and the `subtotaal_18_23` and
-- `totaal` rows are sums, added by the report layout (warehouse/jaarverslag_layout.go).
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, peildatum
    from dim_schooljaar
    where schooljaar = $schooljaar
),

leerlingen as (
    select
        l.geslacht,
        l.onderwijssoort,
        g.subregio,
        date_sub('year', l.geboortedatum, jaar.peildatum) as leeftijd
    from fact_leerling as l
    inner join jaar on l.peildatum = jaar.peildatum
    inner join dim_gemeente as g on g.gemeentecode = l.gemeentecode
),

ingedeeld as (
    select
        case geslacht when 'M' then 'jongens_5_18' when 'V' then 'meisjes_5_18' end as rij,
        onderwijssoort
    from leerlingen
    where leeftijd between 5 and 17
    union all
    select
        'subtotaal_5_18' as rij,
        onderwijssoort
    from leerlingen
    where leeftijd between 5 and 17
    union all
    select
        '18_23_' || subregio as rij,
        onderwijssoort
    from leerlingen
    where leeftijd between 18 and 22
)

select
    'tabel1' as tabel,
    i.rij,
    o.kolom,
    count(*) as waarde
from ingedeeld as i
inner join dim_onderwijssoort as o on o.code = i.onderwijssoort
where i.rij is not null
group by i.rij, o.kolom
