-- Jaarverslag tabel6 — homebound youths (thuiszitters).
--
-- The counting rules are those of sql/marts/14_thuiszitter_jaar.sql: episodes (not
-- persons) active in the school year, of youths of compulsory school age on the later of
-- startdatum and 1 August (telt); thuiszitters are counted for every gemeente of the
-- region. Rows:
--   * `thuiszitters`: every such episode; `absoluut`, `langdurig_relatief`: by soort;
--   * `langer_dan_3_maanden`: longer than 3 months from startdatum to the earlier of
--     einddatum and 31 July;
--   * `opgelost`: einddatum within the year and opgelost = J;
--   * columns by the sub-region of the gemeente.
-- The `totaal` column is the sum of the sub-region columns, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with episodes as (
    select subregio, soort_rij, langer_dan_3_maanden, opgelost_in_jaar
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
