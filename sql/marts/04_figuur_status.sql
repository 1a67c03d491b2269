-- What every figure is, per school year and gemeente: a value (status empty, a count of 0
-- included), `geen_gegevens` or `niet_van_toepassing`. The one place this is decided;
-- every channel (report, exports, KPIs) reads it. (`onderdrukt`, small-number
-- protection, is decided where figures are published.)
--
--   niet_van_toepassing  not the bureau's to count for that gemeente in Y:
--                        reden `bestond_niet`: the gemeente did not exist during Y
--                        (01_gemeente_jaar.sql), or
--                        reden `leerplicht_lokaal`: the figure belongs to the leerplicht
--                        task and the gemeente runs leerplicht itself;
--   geen_gegevens        a feed the figure counts from does not cover Y (02_dekking.sql);
--                        reden `bron_ontbreekt`, the feeds missing in
--                        ontbrekende_bronnen (comma-separated);
--   (empty)              a value.
-- Not applicable goes first: a gemeente that did not exist has no figure to miss.
-- A figure without gemeente (per_gemeente false) has one row per school year with
-- gemeentecode empty.
--
-- A figure over several gemeenten (a sub-region, the region, a `totaal`) is the sum over
-- those for which it applies: it is niet_van_toepassing only when it applies to none,
-- geen_gegevens when it applies to some and the data is missing, and otherwise a value
-- (warehouse.AreaStatus combines the rows of this view so).
create or replace view mart.figuur_status as
with figuur_bron as (
    select f.figuur, unnest(f.bronnen) as bron
    from mart.figuren as f
),

figuur_jaar as (
    select
        fb.figuur,
        j.schooljaar,
        j.jaar,
        bool_and(d.bron is not null) as gedekt,
        string_agg(fb.bron, ', ' order by fb.bron) filter (where d.bron is null) as ontbrekende_bronnen
    from figuur_bron as fb
    cross join dim_schooljaar as j
    left join mart.dekking as d on d.bron = fb.bron and d.jaar = j.jaar
    group by fb.figuur, j.schooljaar, j.jaar
),

per_gemeente as (
    select
        f.figuur,
        fj.schooljaar,
        fj.jaar,
        gj.gemeentecode,
        gj.subregio,
        case
            when not gj.bestond then 'bestond_niet'
            when f.taak = 'leerplicht' and not gj.leerplicht_regionaal then 'leerplicht_lokaal'
            when not fj.gedekt then 'bron_ontbreekt'
        end as reden,
        fj.ontbrekende_bronnen
    from mart.figuren as f
    inner join figuur_jaar as fj on fj.figuur = f.figuur
    inner join mart.gemeente_jaar as gj on gj.jaar = fj.jaar
    where f.per_gemeente
),

regionaal as (
    select
        f.figuur,
        fj.schooljaar,
        fj.jaar,
        cast(null as varchar) as gemeentecode,
        cast(null as varchar) as subregio,
        case when not fj.gedekt then 'bron_ontbreekt' end as reden,
        fj.ontbrekende_bronnen
    from mart.figuren as f
    inner join figuur_jaar as fj on fj.figuur = f.figuur
    where not f.per_gemeente
),

alle as (
    select figuur, schooljaar, jaar, gemeentecode, subregio, reden, ontbrekende_bronnen from per_gemeente
    union all
    select figuur, schooljaar, jaar, gemeentecode, subregio, reden, ontbrekende_bronnen from regionaal
)

select
    figuur,
    schooljaar,
    jaar,
    gemeentecode,
    subregio,
    case
        when reden in ('bestond_niet', 'leerplicht_lokaal') then 'niet_van_toepassing'
        when reden is not null then 'geen_gegevens'
    end as status,
    reden,
    case when reden = 'bron_ontbreekt' then ontbrekende_bronnen end as ontbrekende_bronnen
from alle;
