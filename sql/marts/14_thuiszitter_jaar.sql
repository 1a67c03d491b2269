-- Homebound episodes per school year they were active in (thuiszitters feed): tabel6, the
-- thuiszitter KPIs and the episode indicators of the leerplichttelling. Episodes are
-- counted, not persons.
--
-- One row per episode and school year it was active in (mart.actief_in: startdatum <=
-- 31 July and einddatum empty or >= 1 August), so an episode across two school years
-- counts in both. An ongoing episode is listed up to the latest school year the feed
-- reaches (its latest startdatum or einddatum): it makes no later year known.
-- Counting rules (definitions.md, tabel6):
--   * leeftijd: whole years lived on the later of startdatum and 1 August of the year (an
--     episode running since an earlier year is aged on 1 August);
--   * telt: a youth of compulsory school age (5 to 17, rule `leerplicht`) on that date, in
--     a gemeente of the region that existed in the school year. Thuiszitters are
--     followed for every gemeente, also where leerplicht is run locally: `telt` is the
--     population of tabel6 (row thuiszitters) and of the thuiszitter KPIs;
--   * langer_dan_3_maanden: longer than 3 calendar months from startdatum to the
--     earlier of einddatum and 31 July of the year (an ongoing episode is measured to
--     31 July; exactly three months is not longer) — the year as a whole; a report or KPI
--     of a year still in progress measures to its day instead
--     (mart.langer_dan_3_maanden_in_jaar with $vandaag);
--   * opgelost_in_jaar: einddatum within the year and opgelost = J;
--   * gestart_in_jaar: startdatum within the year; aanbod_binnen_3_maanden: an offer
--     (aanbod_datum) not longer than 3 months after startdatum (the KPI
--     thuiszitters_aanbod_binnen_3_maanden_pct: of the episodes counted that started in
--     the year);
--   * gemeente_telt_leerplicht: the gemeente's leerplicht is the bureau's (the
--     leerplichttelling counts only those).
create or replace view mart.thuiszitter_jaar as
with bereik as (
    select max(mart.jaar(greatest(startdatum, coalesce(einddatum, startdatum)))) as laatste_jaar
    from fact_thuiszitter
),

actief as (
    select
        t.dossier_id,
        t.persoon_id,
        t.geboortedatum,
        t.gemeentecode,
        t.soort,
        t.startdatum,
        t.einddatum,
        t.aanbod_datum,
        t.opgelost,
        t.reden_einde,
        j.schooljaar,
        j.begin_date,
        j.end_date,
        mart.leeftijd(t.geboortedatum, greatest(t.startdatum, j.begin_date)) as leeftijd
    from fact_thuiszitter as t
    cross join bereik
    inner join dim_schooljaar as j
        on mart.actief_in(t.startdatum, t.einddatum, j.jaar)
        and j.jaar <= bereik.laatste_jaar
)

select
    a.schooljaar,
    a.begin_date,
    a.end_date,
    a.dossier_id,
    a.persoon_id,
    a.geboortedatum,
    a.gemeentecode,
    gj.subregio,
    a.soort,
    s.rij as soort_rij,
    a.startdatum,
    a.einddatum,
    a.aanbod_datum,
    a.opgelost,
    a.reden_einde,
    a.leeftijd,
    mart.leeftijdsband('leerplicht', greatest(a.startdatum, a.begin_date), a.leeftijd) is not null
        and coalesce(gj.telt_regionaal, false) as telt,
    coalesce(gj.telt_leerplicht, false) as gemeente_telt_leerplicht,
    mart.langer_dan_3_maanden_in_jaar(a.startdatum, a.einddatum, a.end_date, a.end_date) as langer_dan_3_maanden,
    coalesce(a.einddatum between a.begin_date and a.end_date and a.opgelost, false) as opgelost_in_jaar,
    a.startdatum between a.begin_date and a.end_date as gestart_in_jaar,
    coalesce(not mart.langer_dan_3_maanden(a.startdatum, a.aanbod_datum), false) as aanbod_binnen_3_maanden
from actief as a
left join mart.gemeente_jaar as gj on gj.gemeentecode = a.gemeentecode and gj.schooljaar = a.schooljaar
left join dim_thuiszitter_soort as s on s.code = a.soort;
