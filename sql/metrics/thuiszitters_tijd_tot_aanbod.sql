-- Time to an offer (aanbod) for homebound episodes: the input of the Kaplan–Meier curve
-- served as /api/v1/kpis/thuiszitters_aanbod_binnen_3_maanden_pct/curve
-- (warehouse/kpi_curve.go computes the curve).
--
-- Population, start and 3-month mark are those of the KPI
-- thuiszitters_aanbod_binnen_3_maanden_pct (metrics/thuiszitters_aanbod_binnen_3_maanden.sql):
-- the episodes of tabel6's population (telt) counted in the school year their startdatum
-- lies in (gestart_in_jaar), one row per episode. Per episode:
--   * aanbod: it has an aanbod_datum — the event; `dagen` is then the number of days
--     from startdatum to aanbod_datum (0 for an offer dated before the start);
--   * otherwise it is censored: `dagen` runs to the earlier of its einddatum (ended
--     without an offer) and tot_en_met (still waiting on the latest covered day);
--   * dagen_3_maanden: days from startdatum to the 3-month mark (mart.drie_maanden_na,
--     89 to 92 days): an offer with dagen <= dagen_3_maanden is the KPI's "within three
--     months" (mart.langer_dan_3_maanden is false for it).
-- tot_en_met is the latest covered day of the thuiszitters feed (sql/marts/02_dekking.sql):
-- in the last school year the feed covers, its last startdatum or einddatum while that
-- year is in progress on $vandaag (never after $vandaag), else 31 July of that year: the
-- same rule as metrics/figuur_status.sql's tot_en_met. The same on every row.
--
-- Parameter: $vandaag, the day the figures are read; every school year at once.
with laatste_jaar as (
    select d.laatste_datum, j.end_date
    from mart.dekking as d
    inner join dim_schooljaar as j on j.jaar = d.jaar
    where d.bron = 'thuiszitters'
    order by d.jaar desc
    limit 1
),

bereik as (
    select
        case
            when cast($vandaag as date) < end_date then least(laatste_datum, cast($vandaag as date))
            else end_date
        end as tot_en_met
    from laatste_jaar
),

episode as (
    select
        t.schooljaar,
        t.gemeentecode,
        t.soort_rij as soort,
        t.startdatum,
        t.einddatum,
        t.aanbod_datum
    from mart.thuiszitter_jaar as t
    where t.telt
      and t.gestart_in_jaar
)

select
    e.schooljaar,
    e.gemeentecode,
    e.soort,
    e.aanbod_datum is not null as aanbod,
    greatest(0, date_diff('day', e.startdatum,
        coalesce(e.aanbod_datum, least(coalesce(e.einddatum, b.tot_en_met), b.tot_en_met)))) as dagen,
    date_diff('day', e.startdatum, mart.drie_maanden_na(e.startdatum)) as dagen_3_maanden,
    b.tot_en_met
from episode as e
cross join bereik as b
order by e.schooljaar, e.gemeentecode, e.soort, dagen
