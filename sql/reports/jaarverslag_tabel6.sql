-- Jaarverslag tabel6 — homebound youths (thuiszitters).
--
-- Counting rule (definitions.md, tabel6): episodes, not persons.
--   * an episode is active in the school year Y when startdatum <= end(Y) (31 July) and
--     (einddatum is empty or einddatum >= begin(Y) (1 August));
--   * of a youth aged 5 to 17 on the later of startdatum and begin(Y) (whole years
--     lived: date_sub, not date_diff); an episode running since an earlier year is
--     aged on 1 August of Y;
--   * `thuiszitters`: every such episode; `absoluut`, `langdurig_relatief`: by soort;
--   * `langer_dan_3_maanden`: the episode lasted longer than 3 calendar months from
--     startdatum to the earlier of einddatum and end(Y); an ongoing episode is measured
--     to end(Y). Exactly three months is not longer: E > S + interval 3 month;
--   * `opgelost`: einddatum within Y and opgelost = J;
--   * columns by the sub-region of the gemeente (dim_gemeente.subregio).
-- The `totaal` column is the sum of the sub-region columns, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

actief as (
    select
        t.soort,
        t.startdatum,
        t.einddatum,
        t.opgelost,
        g.subregio,
        jaar.begin_date,
        jaar.end_date,
        date_sub('year', t.geboortedatum, greatest(t.startdatum, jaar.begin_date)) as leeftijd
    from fact_thuiszitter as t
    inner join jaar
        on t.startdatum <= jaar.end_date
        and (t.einddatum is null or t.einddatum >= jaar.begin_date)
    inner join dim_gemeente as g on g.gemeentecode = t.gemeentecode
),

leerplichtig as (
    select
        soort,
        subregio,
        least(coalesce(einddatum, end_date), end_date) > startdatum + interval 3 month
            as is_langer_dan_3_maanden,
        coalesce(einddatum between begin_date and end_date and opgelost, false) as is_opgelost
    from actief
    where leeftijd between 5 and 17
),

ingedeeld as (
    select 'thuiszitters' as rij, subregio from leerplichtig
    union all
    select s.rij, l.subregio
    from leerplichtig as l
    inner join dim_thuiszitter_soort as s on s.code = l.soort
    union all
    select 'langer_dan_3_maanden' as rij, subregio from leerplichtig where is_langer_dan_3_maanden
    union all
    select 'opgelost' as rij, subregio from leerplichtig where is_opgelost
)

select
    'tabel6' as tabel,
    rij,
    subregio as kolom,
    count(*) as waarde
from ingedeeld
group by rij, subregio
