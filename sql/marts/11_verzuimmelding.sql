-- Unauthorised absence reports (verzuimmeldingen feed): tabel3, the KPI verzuim_meldingen
-- and the absence indicators of the leerplichttelling. Reports are counted, not persons.
--
-- One row per report. Counting rules (definitions.md, tabel3):
--   * the school year is that of the meldingsdatum; age = whole years lived on it;
--   * SIGNAAL reports are never counted;
--   * telt_leerplicht: a RELATIEF, LUXE or ABSOLUUT report of a youth under 18 (rule
--     `minderjarig`) in a gemeente whose leerplicht the bureau runs and that existed in
--     the school year: tabel3's rows relatief, luxe, absoluut (rij_tabel3 = the
--     verzuimsoort's row);
--   * telt_doorstroompunt: a RELATIEF report at the age of the Doorstroompunt band in
--     force on the meldingsdatum (18 to 22 up to 31 December 2025, 18 to 26 from 1 January
--     2026: a school year across the change counts each report by its own date), in any gemeente of the region that existed:
--     tabel3's row relatief_18plus_<subregio>;
--   * any other combination (LUXE or ABSOLUUT at 18+, any report above the band) is in no
--     row: rij_tabel3 is empty;
--   * kolom: the column of the onderwijssoort of origin (wpo, wec, wvo, web, onbekend,
--     geen); groep: its group in the leerplichttelling (po, vso, vo, onbekend, geen);
--   * is_leerplichtig: age 5 to 17 on the meldingsdatum (rule `leerplicht`), which the
--     leerplichttelling counts persons by.
-- Only gemeenten of the region configuration count.
create or replace view mart.verzuimmelding as
with meldingen as (
    select
        m.melding_id,
        m.persoon_id,
        m.geboortedatum,
        mart.leeftijd(m.geboortedatum, m.meldingsdatum) as leeftijd,
        m.gemeentecode,
        m.onderwijssoort,
        m.verzuimsoort,
        m.meldingsdatum,
        m.startdatum,
        m.uren,
        m.brin,
        m.file_id,
        m.line,
        j.schooljaar,
        cast(date_trunc('month', m.meldingsdatum) as date) as maand
    from fact_verzuimmelding as m
    inner join dim_schooljaar as j on j.jaar = mart.jaar(m.meldingsdatum)
),

ingedeeld as (
    select
        m.*,
        gj.subregio,
        o.kolom,
        o.groep,
        s.rij as verzuimsoort_rij,
        m.verzuimsoort in ('RELATIEF', 'LUXE', 'ABSOLUUT')
            and mart.leeftijdsband('minderjarig', m.meldingsdatum, m.leeftijd) is not null
            and coalesce(gj.telt_leerplicht, false) as telt_leerplicht,
        m.verzuimsoort = 'RELATIEF'
            and mart.leeftijdsband('doorstroompunt', m.meldingsdatum, m.leeftijd) is not null
            and coalesce(gj.telt_regionaal, false) as telt_doorstroompunt,
        mart.leeftijdsband('leerplicht', m.meldingsdatum, m.leeftijd) is not null as is_leerplichtig,
        coalesce(gj.telt_leerplicht, false) as gemeente_telt_leerplicht
    from meldingen as m
    left join mart.gemeente_jaar as gj
        on gj.gemeentecode = m.gemeentecode and gj.schooljaar = m.schooljaar
    left join dim_onderwijssoort as o on o.code = m.onderwijssoort
    left join dim_verzuimsoort as s on s.code = m.verzuimsoort
)

select
    melding_id,
    persoon_id,
    geboortedatum,
    leeftijd,
    gemeentecode,
    subregio,
    onderwijssoort,
    kolom,
    groep,
    verzuimsoort,
    meldingsdatum,
    schooljaar,
    maand,
    startdatum,
    uren,
    brin,
    is_leerplichtig,
    gemeente_telt_leerplicht,
    telt_leerplicht,
    telt_doorstroompunt,
    case
        when telt_leerplicht then verzuimsoort_rij
        when telt_doorstroompunt then 'relatief_18plus_' || subregio
    end as rij_tabel3,
    file_id,
    line
from ingedeeld;
