-- Exemptions granted (vrijstellingen feed): tabel2, the KPI vrijstellingen and the
-- vrijstelling_* indicators of the leerplichttelling. Exemptions are counted, not
-- persons.
--
-- One row per exemption. Counting rules (definitions.md, tabel2):
--   * the school year is that of the besluitdatum (decision date); age = whole years
--     lived on the besluitdatum;
--   * telt: a youth of compulsory school age (5 to 17, rule `leerplicht`) in a gemeente
--     whose leerplicht the bureau runs and that existed in the school year, for an
--     article the report has a row for;
--   * rij: the row of the article (3A and 3B share art_3a_3b).
create or replace view mart.vrijstelling as
with vrijstellingen as (
    select
        v.vrijstelling_id,
        v.persoon_id,
        v.geboortedatum,
        mart.leeftijd(v.geboortedatum, v.besluitdatum) as leeftijd,
        v.gemeentecode,
        v.artikel,
        v.besluitdatum,
        v.ingangsdatum,
        v.einddatum,
        v.file_id,
        v.line,
        j.schooljaar
    from fact_vrijstelling as v
    inner join dim_schooljaar as j on j.jaar = mart.jaar(v.besluitdatum)
)

select
    v.vrijstelling_id,
    v.persoon_id,
    v.geboortedatum,
    v.leeftijd,
    v.gemeentecode,
    gj.subregio,
    v.artikel,
    v.besluitdatum,
    v.schooljaar,
    v.ingangsdatum,
    v.einddatum,
    a.rij,
    a.rij is not null
        and mart.leeftijdsband('leerplicht', v.besluitdatum, v.leeftijd) is not null
        and coalesce(gj.telt_leerplicht, false) as telt,
    v.file_id,
    v.line
from vrijstellingen as v
left join mart.gemeente_jaar as gj on gj.gemeentecode = v.gemeentecode and gj.schooljaar = v.schooljaar
left join dim_artikel as a on a.code = v.artikel;
