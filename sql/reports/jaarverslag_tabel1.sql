-- Jaarverslag tabel1 — youths by school type on the reference date (peildatum).
--
-- The counting rules are those of sql/marts/10_leerling.sql (the extract of 1 October,
-- age on the peildatum, the bands, which gemeenten count). Rows:
--   * jongens_5_18 (geslacht M), meisjes_5_18 (geslacht V): youths of compulsory school
--     age (telt_leerplicht); subtotaal_5_18: every geslacht, so X is counted there only;
--   * 18_23_<subregio> (18_27_<subregio> for a peildatum from 1 January 2026): youths of
--     the Doorstroompunt band in force on the peildatum, by the sub-region of the gemeente
--     of residence (telt_doorstroompunt);
--   * columns by onderwijssoort (wpo, wec, wvo, web, onbekend, geen).
-- This query gives the base cells; the `totaal` column and the `subtotaal_18_23` (or
-- `subtotaal_18_27`) and
-- `totaal` rows are sums, added by the report layout (warehouse/jaarverslag_layout.go).
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with leerlingen as (
    select
        l.geslacht,
        l.band_leerplicht,
        l.telt_leerplicht,
        l.telt_doorstroompunt,
        l.rij_doorstroompunt,
        o.kolom
    from mart.leerling as l
    inner join dim_onderwijssoort as o on o.code = l.onderwijssoort
    where l.schooljaar = $schooljaar
      and (l.telt_leerplicht or l.telt_doorstroompunt)
),

ingedeeld as (
    select
        case geslacht when 'M' then 'jongens_' when 'V' then 'meisjes_' end || band_leerplicht as rij,
        kolom
    from leerlingen
    where telt_leerplicht
    union all
    select 'subtotaal_' || band_leerplicht as rij, kolom
    from leerlingen
    where telt_leerplicht
    union all
    select rij_doorstroompunt as rij, kolom
    from leerlingen
    where telt_doorstroompunt
)

select
    'tabel1' as tabel,
    rij,
    kolom,
    count(*) as waarde
from ingedeeld
where rij is not null
group by rij, kolom
