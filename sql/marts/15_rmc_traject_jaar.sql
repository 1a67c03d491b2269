-- Doorstroompunt/RMC trajectories per school year they were active in (rmc_trajecten
-- feed): tabel8, tabel9, the KPIs rmc_ers, rmc_herplaatst_pct, jikp and
-- onderwijs_of_werk_pct and the vsv export.
-- Trajectories are counted, not persons; no age limit applies.
--
-- One row per trajectory and school year it was active in (mart.actief_in); an ongoing
-- trajectory is listed up to the latest school year the feed reaches. Counting rules
-- (definitions.md, tabel8 and tabel9):
--   * telt: a trajectory of a gemeente of the region that existed in the school year
--     (the Doorstroompunt's figures are regional for every gemeente); tabel8 counts them;
--   * tabel9_kolom: voor_verslagjaar when melddatum is before 1 August of the year (known
--     before the year), else nieuw;
--   * tabel9_rij: when einddatum is set and on or before 31 July of the year, the
--     trajectory's resultaat (scholing, werk_scholing, stage_wet, opvang, werk,
--     niet_herplaatst, geen_rmc, overig); otherwise it is still running at the end of
--     the year: monitoring when trajectsoort = MONITORING, else in_traject;
--   * is_afgerond: einddatum set and on or before 31 July (a resultaat in the year);
--     is_herplaatst: afgerond with resultaat SCHOLING, WERK_SCHOLING, STAGE_WET, OPVANG
--     (tabel9 subtotaal_scholing) or WERK (rmc_herplaatst_pct);
--   * is_jikp: specialisatie JIKP (KPI jikp: JIKP trajectories active in the year, so
--     one running across two school years counts in both);
--   * is_onderwijs_of_werk: afgerond with resultaat SCHOLING, WERK_SCHOLING, STAGE_WET
--     or WERK — not OPVANG, unlike is_herplaatst (KPI onderwijs_of_werk_pct).
create or replace view mart.rmc_traject_jaar as
with bereik as (
    select max(mart.jaar(greatest(startdatum, coalesce(einddatum, startdatum)))) as laatste_jaar
    from fact_rmc_traject
),

actief as (
    select
        r.traject_id,
        r.persoon_id,
        r.geboortedatum,
        r.gemeentecode,
        r.melddatum,
        r.startdatum,
        r.einddatum,
        r.resultaat,
        r.trajectsoort,
        r.specialisatie,
        j.schooljaar,
        j.begin_date,
        j.end_date,
        r.einddatum is not null and r.einddatum <= j.end_date as is_afgerond
    from fact_rmc_traject as r
    cross join bereik
    inner join dim_schooljaar as j
        on mart.actief_in(r.startdatum, r.einddatum, j.jaar)
        and j.jaar <= bereik.laatste_jaar
)

select
    a.schooljaar,
    a.traject_id,
    a.persoon_id,
    a.geboortedatum,
    a.gemeentecode,
    gj.subregio,
    a.melddatum,
    a.startdatum,
    a.einddatum,
    a.resultaat,
    a.trajectsoort,
    a.specialisatie,
    coalesce(gj.telt_regionaal, false) as telt,
    a.is_afgerond,
    a.is_afgerond and (u.subtotaal = 'subtotaal_scholing' or u.rij = 'werk') as is_herplaatst,
    coalesce(a.specialisatie = 'JIKP', false) as is_jikp,
    a.is_afgerond and coalesce(a.resultaat in ('SCHOLING', 'WERK_SCHOLING', 'STAGE_WET', 'WERK'), false)
        as is_onderwijs_of_werk,
    case
        when a.is_afgerond then u.rij
        when a.trajectsoort = 'MONITORING' then 'monitoring'
        else 'in_traject'
    end as tabel9_rij,
    case when a.melddatum < a.begin_date then 'voor_verslagjaar' else 'nieuw' end as tabel9_kolom
from actief as a
left join mart.gemeente_jaar as gj on gj.gemeentecode = a.gemeentecode and gj.schooljaar = a.schooljaar
left join dim_rmc_resultaat as u on u.code = a.resultaat;
