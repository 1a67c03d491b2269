-- Youths living in the region on a reference date (leerlingen feed): tabel1.
--
-- One row per person and peildatum. Counting rules (definitions.md, tabel1):
--   * only an extract dated the reference date of its school year (1 October) counts
--     (is_peildatum); extracts of other dates are kept but not counted;
--   * age = whole years lived on the peildatum (mart.leeftijd);
--   * band_leerplicht (5_18) and band_doorstroompunt (18_23, or 18_27 for a peildatum from
--     1 January 2026): the age band of the rule in force on the peildatum
--     (mart.leeftijdsregels), empty outside it;
--   * telt_leerplicht: counted in tabel1's 5_18 rows (jongens_5_18 for geslacht M,
--     meisjes_5_18 for V, subtotaal_5_18 for every geslacht): a youth of compulsory school
--     age in a gemeente whose leerplicht the bureau runs and that existed in the school
--     year (mart.gemeente_jaar);
--   * telt_doorstroompunt: counted in tabel1's row `rij_doorstroompunt`
--     (18_23_<subregio> or 18_27_<subregio>): a youth of the Doorstroompunt band in any gemeente of the
--     region that existed in the school year.
-- Only gemeenten of the region configuration count; a row of another gemeente has
-- neither flag.
create or replace view mart.leerling as
with leerlingen as (
    select
        l.peildatum,
        l.persoon_id,
        l.geboortedatum,
        mart.leeftijd(l.geboortedatum, l.peildatum) as leeftijd,
        l.geslacht,
        l.gemeentecode,
        l.onderwijssoort,
        l.brin,
        l.startkwalificatie,
        l.file_id,
        l.line,
        j.schooljaar,
        l.peildatum = j.peildatum as is_peildatum
    from fact_leerling as l
    inner join dim_schooljaar as j on j.jaar = mart.jaar(l.peildatum)
),

ingedeeld as (
    select
        l.*,
        gj.subregio,
        coalesce(gj.telt_leerplicht, false) as gemeente_telt_leerplicht,
        coalesce(gj.telt_regionaal, false) as gemeente_telt_regionaal,
        mart.leeftijdsband('leerplicht', l.peildatum, l.leeftijd) as band_leerplicht,
        mart.leeftijdsband('doorstroompunt', l.peildatum, l.leeftijd) as band_doorstroompunt
    from leerlingen as l
    left join mart.gemeente_jaar as gj
        on gj.gemeentecode = l.gemeentecode and gj.schooljaar = l.schooljaar
)

select
    peildatum,
    schooljaar,
    is_peildatum,
    persoon_id,
    geboortedatum,
    leeftijd,
    geslacht,
    gemeentecode,
    subregio,
    onderwijssoort,
    brin,
    startkwalificatie,
    band_leerplicht,
    band_doorstroompunt,
    is_peildatum and band_leerplicht is not null and gemeente_telt_leerplicht as telt_leerplicht,
    is_peildatum and band_doorstroompunt is not null and gemeente_telt_regionaal as telt_doorstroompunt,
    band_doorstroompunt || '_' || subregio as rij_doorstroompunt,
    file_id,
    line
from ingedeeld;
