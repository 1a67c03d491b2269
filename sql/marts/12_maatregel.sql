-- Measures taken on absence reports (maatregelen feed): tabel4, tabel5 and the KPI halt_pv.
-- Measures are counted.
--
-- One row per measure, with its report (empty while the report has not arrived).
-- Counting rules (definitions.md, tabel4 and tabel5):
--   * the school year is that of the measure's datum; the date of its report does not
--     matter;
--   * telt: a HALT or PV whose report has arrived (joined by melding_id; a measure whose
--     report has not arrived is not counted, yet), whose report is RELATIEF, LUXE or
--     ABSOLUUT and counts in the leerplicht task (11_verzuimmelding.sql: youth under 18
--     on the meldingsdatum), and whose gemeente (the report's) counts in the leerplicht
--     task in the measure's school year;
--   * rij: the report's verzuimsoort (relatief, luxe, absoluut); kolom: halt or pv;
--     afdoening_kolom: leerstraf, geldboete, taakstraf, overig, or empty while pending
--     (a pending measure counts only in tabel5's `totaal`).
create or replace view mart.maatregel as
with maatregelen as (
    select
        a.maatregel_id,
        a.melding_id,
        a.datum,
        a.maatregel,
        a.afdoening,
        a.file_id,
        a.line,
        j.schooljaar
    from fact_maatregel as a
    inner join dim_schooljaar as j on j.jaar = mart.jaar(a.datum)
),

met_melding as (
    select
        a.*,
        m.persoon_id,
        m.gemeentecode,
        m.subregio,
        m.verzuimsoort,
        m.meldingsdatum,
        m.leeftijd as leeftijd_op_meldingsdatum,
        s.rij,
        t.kolom,
        d.kolom as afdoening_kolom,
        a.maatregel in ('HALT', 'PV')
            and coalesce(m.telt_leerplicht, false)
            and coalesce(gj.telt_leerplicht, false) as telt
    from maatregelen as a
    left join mart.verzuimmelding as m on m.melding_id = a.melding_id
    left join mart.gemeente_jaar as gj
        on gj.gemeentecode = m.gemeentecode and gj.schooljaar = a.schooljaar
    left join dim_verzuimsoort as s on s.code = m.verzuimsoort
    left join dim_maatregel as t on t.code = a.maatregel
    left join dim_afdoening as d on d.code = a.afdoening
)

select
    maatregel_id,
    melding_id,
    datum,
    schooljaar,
    maatregel,
    afdoening,
    persoon_id,
    gemeentecode,
    subregio,
    verzuimsoort,
    meldingsdatum,
    leeftijd_op_meldingsdatum,
    telt,
    rij,
    kolom,
    afdoening_kolom,
    file_id,
    line
from met_melding;
