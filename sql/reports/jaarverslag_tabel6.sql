-- Jaarverslag tabel6 — homebound youths (thuiszitters).
--
-- The counting rules are those of sql/marts/14_thuiszitter_jaar.sql: episodes (not
-- persons) active in the school year, of youths of compulsory school age on the later of
-- startdatum and 1 August (telt); thuiszitters are counted for every gemeente of the
-- region. Rows:
--   * `thuiszitters`: every such episode; `absoluut`, `langdurig_relatief`: by soort;
--   * `langer_dan_3_maanden`: longer than 3 months from startdatum to the earliest of
--     einddatum, 31 July and $vandaag (mart.langer_dan_3_maanden_in_jaar: a year in
--     progress measures to its day);
--   * `opgelost`: einddatum within the year and opgelost = J;
--   * columns by the sub-region of the gemeente.
-- The `totaal` column is the sum of the sub-region columns, added by the report layout.
--
-- Parameters: $schooljaar, e.g. '2018-2019'; $vandaag, the day the report is made.
with episodes as (
    select
        subregio,
        soort_rij,
        mart.langer_dan_3_maanden_in_jaar(startdatum, einddatum, end_date, cast($vandaag as date)) as langer_dan_3_maanden,
        opgelost_in_jaar
    from mart.thuiszitter_jaar
    where schooljaar = $schooljaar
      and telt
),

ingedeeld as (
    select 'thuiszitters' as rij, subregio from episodes
    union all
    select soort_rij as rij, subregio from episodes
    union all
    select 'langer_dan_3_maanden' as rij, subregio from episodes where langer_dan_3_maanden
    union all
    select 'opgelost' as rij, subregio from episodes where opgelost_in_jaar
)

select
    'tabel6' as tabel,
    rij,
    subregio as kolom,
    count(*) as waarde
from ingedeeld
group by rij, subregio
