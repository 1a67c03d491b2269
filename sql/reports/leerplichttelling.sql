-- Leerplichttelling (artikel 25 Leerplichtwet) — the yearly count for DUO/OCW.
--
-- Counting rule (definitions.md, Leerplichttelling), for every indicator:
--   * persons are counted, by their pseudonym (persoon_id), each once per cell
--     (the vrijstelling_* indicators excepted: they count exemptions, as tabel2 does);
--   * only youths of compulsory school age (5 to 17, rule `leerplicht` of
--     sql/marts/00_regels.sql) on the date the indicator names;
--   * per gemeente of residence as on the row counted, and only gemeenten whose
--     leerplicht the bureau runs and that existed during the school year
--     (gemeente_telt_leerplicht, sql/marts/01_gemeente_jaar.sql): the others file their
--     own count. Every gemeente is counted from its own rows only: a person with rows in
--     two gemeenten counts in both, once in each, and in the region (`gebied` = 'regio',
--     counted from all those rows) once; so the region can be less than the sum of its
--     gemeenten.
-- School-type groups (dim_onderwijssoort.groep): po (WPO), vso (WEC), vo (WVO and WEB),
-- onbekend, geen, and `alle`. Indicators from absence reports are split by group;
-- those from episodes and exemptions carry no school type and are given as `alle` only.
-- absoluut_verzuim combines reports and episodes, so it is given as `alle` only.
--
-- Output: the cells that count something (gebied, onderwijssoort, indicator, waarde);
-- the zeros, the gemeenten and the statuses (an indicator whose feed does not cover the
-- year is geen_gegevens) are added in warehouse/leerplichttelling.go.
--
-- Parameters: $schooljaar, e.g. '2018-2019'; $vandaag, the day the count is made.
with jaar as (
    select
        schooljaar,
        begin_date,
        end_date,
        make_date(jaar, 9, 1) as eerste_september
    from dim_schooljaar
    where schooljaar = $schooljaar
),

-- Absence reports (sql/marts/11_verzuimmelding.sql) with meldingsdatum in Y, RELATIEF,
-- LUXE or ABSOLUUT (SIGNAAL never counts), of a youth aged 5 to 17 on the meldingsdatum,
-- with the school-type group of the report.
meldingen as (
    select
        melding_id,
        persoon_id,
        gemeentecode,
        verzuimsoort,
        meldingsdatum,
        groep
    from mart.verzuimmelding
    where schooljaar = $schooljaar
      and verzuimsoort in ('RELATIEF', 'LUXE', 'ABSOLUUT')
      and is_leerplichtig
      and gemeente_telt_leerplicht
      and groep is not null
),

-- Every report once for its gemeente and once for the region.
meldingen_per_gebied as (
    select gemeentecode as gebied, melding_id, persoon_id, verzuimsoort, meldingsdatum, groep
    from meldingen
    union all
    select 'regio' as gebied, melding_id, persoon_id, verzuimsoort, meldingsdatum, groep
    from meldingen
),

-- relatief_verzuim: persons with at least one RELATIEF or LUXE report in Y. A person
-- counts in the group of the school type of their latest such report in Y (of the
-- gebied; on the same meldingsdatum the highest melding_id is taken as the latest),
-- and once in `alle`.
-- waarvan_herhaald: of those, persons with two or more such reports in Y (in the
-- gebied), in the same group.
relatief_per_persoon as (
    select
        gebied,
        persoon_id,
        first(groep order by meldingsdatum desc, melding_id desc) as groep,
        count(*) as meldingen
    from meldingen_per_gebied
    where verzuimsoort in ('RELATIEF', 'LUXE')
    group by gebied, persoon_id
),

-- luxe_verzuim: persons with at least one LUXE report in Y, in the group of their
-- latest LUXE report, and once in `alle`.
luxe_per_persoon as (
    select
        gebied,
        persoon_id,
        first(groep order by meldingsdatum desc, melding_id desc) as groep
    from meldingen_per_gebied
    where verzuimsoort = 'LUXE'
    group by gebied, persoon_id
),

-- The indicators split by school-type group: one row per person, gebied and indicator.
per_groep as (
    select gebied, persoon_id, groep, 'relatief_verzuim' as indicator
    from relatief_per_persoon
    union all
    select gebied, persoon_id, groep, 'waarvan_herhaald' as indicator
    from relatief_per_persoon
    where meldingen >= 2
    union all
    select gebied, persoon_id, groep, 'luxe_verzuim' as indicator
    from luxe_per_persoon
),

-- Homebound episodes active in Y (sql/marts/14_thuiszitter_jaar.sql) in gemeenten whose
-- leerplicht the bureau runs, with the dates the indicators below measure against.
-- Every indicator below selects episodes active in Y.
episodes as (
    select
        t.persoon_id,
        t.gemeentecode,
        t.soort,
        t.geboortedatum,
        t.startdatum,
        t.einddatum,
        t.reden_einde,
        t.begin_date,
        t.end_date,
        t.leeftijd,
        mart.langer_dan_3_maanden_in_jaar(t.startdatum, t.einddatum, t.end_date, cast($vandaag as date))
            as langer_dan_3_maanden,
        jaar.eerste_september
    from mart.thuiszitter_jaar as t
    inner join jaar on jaar.schooljaar = t.schooljaar
    where t.gemeente_telt_leerplicht
),

-- langdurig_relatief_verzuim_1_september: a LANGDURIG_RELATIEF episode active on
-- 1 September of Y (startdatum on or before it, einddatum empty or on or after it);
-- age on 1 September.
langdurig_1_september as (
    select gemeentecode, persoon_id
    from episodes
    where soort = 'LANGDURIG_RELATIEF'
      and startdatum <= eerste_september
      and (einddatum is null or einddatum >= eerste_september)
      and mart.leeftijdsband('leerplicht', eerste_september, mart.leeftijd(geboortedatum, eerste_september)) is not null
),

-- langdurig_relatief_verzuim_nieuw: a LANGDURIG_RELATIEF episode whose startdatum is
-- after 1 September of Y (2 September or later) and within Y (on or before 31 July);
-- age on startdatum. An episode that starts on 1 September itself is counted on
-- 1 September, not as new.
langdurig_nieuw as (
    select gemeentecode, persoon_id
    from episodes
    where soort = 'LANGDURIG_RELATIEF'
      and startdatum > eerste_september
      and startdatum <= end_date
      and mart.leeftijdsband('leerplicht', startdatum, mart.leeftijd(geboortedatum, startdatum)) is not null
),

-- langdurig_relatief_verzuim_langer_dan_3_maanden: a LANGDURIG_RELATIEF episode active
-- in Y that lasted longer than 3 calendar months as in tabel6 (to the earliest of
-- einddatum, 31 July and $vandaag); age on the later of startdatum and begin(Y), as in
-- tabel6.
langdurig_langer_dan_3_maanden as (
    select gemeentecode, persoon_id
    from episodes
    where soort = 'LANGDURIG_RELATIEF'
      and langer_dan_3_maanden
      and mart.leeftijdsband('leerplicht', greatest(startdatum, begin_date), leeftijd) is not null
),

-- langdurig_relatief_verzuim_verhuisd: a LANGDURIG_RELATIEF episode that ended in Y
-- (einddatum from 1 August to 31 July) with reden_einde VERHUISD; age on einddatum.
langdurig_verhuisd as (
    select gemeentecode, persoon_id
    from episodes
    where soort = 'LANGDURIG_RELATIEF'
      and reden_einde = 'VERHUISD'
      and einddatum between begin_date and end_date
      and mart.leeftijdsband('leerplicht', einddatum, mart.leeftijd(geboortedatum, einddatum)) is not null
),

-- absoluut_verzuim: an ABSOLUUT report with meldingsdatum in Y (age on meldingsdatum,
-- see meldingen), or an ABSOLUUT episode active in Y (age on the later of startdatum
-- and begin(Y), as in tabel6). A person with both counts once.
absoluut as (
    select gemeentecode, persoon_id
    from meldingen
    where verzuimsoort = 'ABSOLUUT'
    union all
    select gemeentecode, persoon_id
    from episodes
    where soort = 'ABSOLUUT'
      and mart.leeftijdsband('leerplicht', greatest(startdatum, begin_date), leeftijd) is not null
),

-- The person indicators given as `alle` only.
alleen_alle as (
    select gemeentecode, persoon_id, 'langdurig_relatief_verzuim_1_september' as indicator
    from langdurig_1_september
    union all
    select gemeentecode, persoon_id, 'langdurig_relatief_verzuim_nieuw' as indicator
    from langdurig_nieuw
    union all
    select gemeentecode, persoon_id, 'langdurig_relatief_verzuim_langer_dan_3_maanden' as indicator
    from langdurig_langer_dan_3_maanden
    union all
    select gemeentecode, persoon_id, 'langdurig_relatief_verzuim_verhuisd' as indicator
    from langdurig_verhuisd
    union all
    select gemeentecode, persoon_id, 'absoluut_verzuim' as indicator
    from absoluut
),

alleen_alle_per_gebied as (
    select gemeentecode as gebied, persoon_id, indicator from alleen_alle
    union all
    select 'regio' as gebied, persoon_id, indicator from alleen_alle
),

-- vrijstelling_3a, _3b, _5a, _5b, _5c, _15: exemptions of that article with
-- besluitdatum in Y counted as in tabel2 (sql/marts/13_vrijstelling.sql, telt: age 5 to
-- 17 on the besluitdatum, a gemeente whose leerplicht the bureau runs). Exemptions are
-- counted, not persons; 3A and 3B are given apart. Articles 11F and 11G (leave, not
-- exemption) are not part of the count.
vrijstellingen as (
    select
        gemeentecode,
        'vrijstelling_' || lower(artikel) as indicator
    from mart.vrijstelling
    where schooljaar = $schooljaar
      and telt
      and artikel in ('3A', '3B', '5A', '5B', '5C', '15')
),

vrijstellingen_per_gebied as (
    select gemeentecode as gebied, indicator from vrijstellingen
    union all
    select 'regio' as gebied, indicator from vrijstellingen
),

tellingen as (
    select gebied, groep as onderwijssoort, indicator, count(distinct persoon_id) as waarde
    from per_groep
    group by gebied, groep, indicator
    union all
    select gebied, 'alle' as onderwijssoort, indicator, count(distinct persoon_id) as waarde
    from per_groep
    group by gebied, indicator
    union all
    select gebied, 'alle' as onderwijssoort, indicator, count(distinct persoon_id) as waarde
    from alleen_alle_per_gebied
    group by gebied, indicator
    union all
    select gebied, 'alle' as onderwijssoort, indicator, count(*) as waarde
    from vrijstellingen_per_gebied
    group by gebied, indicator
)

select
    gebied,
    onderwijssoort,
    indicator,
    waarde
from tellingen
