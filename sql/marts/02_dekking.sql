-- Coverage: which school years each feed covers. A feed covers school year Y when at
-- least one loaded row of it, anywhere in the region, has its counting date in Y:
--   leerlingen        a peildatum equal to the reference date of Y (1 October);
--   verzuimmeldingen  a meldingsdatum in Y;
--   maatregelen       a datum in Y;
--   vrijstellingen    a besluitdatum in Y;
--   thuiszitters      a startdatum or einddatum in Y (an open episode alone does not
--   rmc_trajecten     make a later year known);
--   vsv_cijfers       a row for Y.
-- Coverage is decided for the whole region: a gemeente without rows in a covered year
-- has the value 0. A figure whose feed does not cover Y is `geen_gegevens`
-- (04_figuur_status.sql). One row per feed (bron) and covered school year, with the
-- first and last counting date seen in it (empty for vsv_cijfers, which has no date).
create or replace view mart.dekking as
with datums as (
    select 'leerlingen' as bron, l.peildatum as datum
    from fact_leerling as l
    inner join dim_schooljaar as j on j.peildatum = l.peildatum
    union all
    select 'verzuimmeldingen' as bron, meldingsdatum as datum from fact_verzuimmelding
    union all
    select 'maatregelen' as bron, datum from fact_maatregel
    union all
    select 'vrijstellingen' as bron, besluitdatum as datum from fact_vrijstelling
    union all
    select 'thuiszitters' as bron, startdatum as datum from fact_thuiszitter
    union all
    select 'thuiszitters' as bron, einddatum as datum from fact_thuiszitter where einddatum is not null
    union all
    select 'rmc_trajecten' as bron, startdatum as datum from fact_rmc_traject
    union all
    select 'rmc_trajecten' as bron, einddatum as datum from fact_rmc_traject where einddatum is not null
),

gedateerd as (
    select
        bron,
        mart.jaar(datum) as jaar,
        min(datum) as eerste_datum,
        max(datum) as laatste_datum
    from datums
    group by bron, mart.jaar(datum)
),

vsv as (
    select distinct j.jaar
    from fact_vsv as v
    inner join dim_schooljaar as j on j.schooljaar = v.schooljaar
)

select g.bron, j.schooljaar, j.jaar, g.eerste_datum, g.laatste_datum
from gedateerd as g
inner join dim_schooljaar as j on j.jaar = g.jaar
union all
select 'vsv_cijfers' as bron, j.schooljaar, j.jaar, cast(null as date) as eerste_datum, cast(null as date) as laatste_datum
from vsv
inner join dim_schooljaar as j on j.jaar = vsv.jaar;
