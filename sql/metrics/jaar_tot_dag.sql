-- The school year to date: for every KPI counted from dated events or episodes, per
-- school year, day (datum) and gemeente, how many of the year's counted rows became
-- countable on that day. "The value of school year Y up to and including day d" is the
-- sum of `aantal` over the rows of Y with datum <= d; over all rows of Y it is exactly
-- the KPI's value for the whole year (sql/metrics/<kpi_tabel>.sql, column `teller`).
-- The API compares the year in progress with earlier years up to the same day and
-- month, and forecasts the whole year from it (docs/forecast.md).
--
-- The day a row becomes countable in Y (datum):
--   * verzuim_meldingen.aantal: the meldingsdatum (tabel3's selection);
--   * vrijstellingen.aantal: the besluitdatum;
--   * halt_pv.aantal: the measure's datum;
--   * thuiszitters.thuiszitters, rmc.trajecten: the later of startdatum and 1 August
--     (an episode or trajectory running since an earlier year counts from day one);
--   * thuiszitters.langer_dan_3_maanden: the first day it has lasted longer than three
--     months (startdatum + 3 months + 1 day), not before 1 August, for an episode that
--     lasts longer than three months within Y (mart.langer_dan_3_maanden_in_jaar);
--   * thuiszitters_aanbod_binnen_3_maanden.gestart and .binnen_3_maanden: the first day
--     an episode started in Y can be judged, startdatum + 3 months + 1 day — before it,
--     an episode without an offer may still get one in time. Both the base and the
--     episodes with an offer in time count from that day, so the year-to-date percentage
--     is over judged episodes only. For episodes started in the last three months of
--     Y that day falls after 31 July: they count in the whole year, never to date.
--
-- No parameters: every school year at once, read once per load.
with verzuim as (
    select
        'verzuim_meldingen' as kpi_tabel,
        'aantal' as teller,
        schooljaar,
        meldingsdatum as datum,
        gemeentecode
    from mart.verzuimmelding
    where rij_tabel3 is not null
      and kolom is not null
),

vrijstelling as (
    select 'vrijstellingen' as kpi_tabel, 'aantal' as teller, schooljaar, besluitdatum as datum, gemeentecode
    from mart.vrijstelling
    where telt
),

maatregel as (
    select 'halt_pv' as kpi_tabel, 'aantal' as teller, schooljaar, datum, gemeentecode
    from mart.maatregel
    where telt
),

thuiszitter as (
    select 'thuiszitters' as kpi_tabel, 'thuiszitters' as teller, schooljaar, greatest(startdatum, begin_date) as datum, gemeentecode
    from mart.thuiszitter_jaar
    where telt
),

thuiszitter_lang as (
    select
        'thuiszitters' as kpi_tabel,
        'langer_dan_3_maanden' as teller,
        schooljaar,
        greatest(cast(startdatum + interval 3 month + interval 1 day as date), begin_date) as datum,
        gemeentecode
    from mart.thuiszitter_jaar
    where telt
      and langer_dan_3_maanden
),

aanbod as (
    select
        'thuiszitters_aanbod_binnen_3_maanden' as kpi_tabel,
        teller,
        schooljaar,
        cast(startdatum + interval 3 month + interval 1 day as date) as datum,
        gemeentecode
    from mart.thuiszitter_jaar
    cross join (values ('gestart'), ('binnen_3_maanden')) as t(teller)
    where telt
      and gestart_in_jaar
      and (teller = 'gestart' or aanbod_binnen_3_maanden)
),

traject as (
    select 'rmc' as kpi_tabel, 'trajecten' as teller, r.schooljaar, greatest(r.startdatum, j.begin_date) as datum, r.gemeentecode
    from mart.rmc_traject_jaar as r
    inner join dim_schooljaar as j on j.schooljaar = r.schooljaar
    where r.telt
),

alle as (
    select * from verzuim
    union all
    select * from vrijstelling
    union all
    select * from maatregel
    union all
    select * from thuiszitter
    union all
    select * from thuiszitter_lang
    union all
    select * from aanbod
    union all
    select * from traject
)

select
    kpi_tabel,
    teller,
    schooljaar,
    datum,
    gemeentecode,
    count(*) as aantal
from alle
group by kpi_tabel, teller, schooljaar, datum, gemeentecode
order by kpi_tabel, teller, schooljaar, datum, gemeentecode
