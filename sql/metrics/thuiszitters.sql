-- KPIs thuiszitters and thuiszitters_langer_dan_3_maanden — homebound episodes per
-- school year and gemeente.
--
-- The counting rule of jaarverslag tabel6 (sql/reports/jaarverslag_tabel6.sql):
--   * episodes, not persons; an episode is active in school year Y when
--     startdatum <= end(Y) (31 July) and (einddatum is empty or einddatum >= begin(Y)
--     (1 August)), so a long episode counts in every year it touches;
--   * of a youth aged 5 to 17 on the later of startdatum and begin(Y) (date_sub);
--   * only youths living in a gemeente of the region configuration (dim_gemeente);
--   * `thuiszitters`: every such episode (tabel6 thuiszitters/totaal);
--   * `langer_dan_3_maanden`: the episode lasted longer than 3 calendar months from
--     startdatum to the earlier of einddatum and end(Y), an ongoing one measured to
--     end(Y); exactly three months is not longer (tabel6 langer_dan_3_maanden/totaal).
--
-- No parameters: every school year at once.
with actief as (
    select
        jaar.schooljaar,
        t.gemeentecode,
        t.startdatum,
        least(coalesce(t.einddatum, jaar.end_date), jaar.end_date) as gemeten_tot,
        date_sub('year', t.geboortedatum, greatest(t.startdatum, jaar.begin_date)) as leeftijd
    from fact_thuiszitter as t
    inner join dim_schooljaar as jaar
        on t.startdatum <= jaar.end_date
        and (t.einddatum is null or t.einddatum >= jaar.begin_date)
    inner join dim_gemeente as g on g.gemeentecode = t.gemeentecode
),

leerplichtig as (
    select
        schooljaar,
        gemeentecode,
        gemeten_tot > startdatum + interval 3 month as is_langer_dan_3_maanden
    from actief
    where leeftijd between 5 and 17
)

select
    schooljaar,
    gemeentecode,
    count(*) as thuiszitters,
    count(*) filter (where is_langer_dan_3_maanden) as langer_dan_3_maanden
from leerplichtig
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
