-- The school years the KPI series cover: from the first to the latest school year in
-- which a feed delivered dated rows — a leerlingen count (peildatum), an absence report
-- (meldingsdatum), a measure (datum), an exemption (besluitdatum) or DUO's vsv figures.
-- Episodes and trajectories (thuiszitters, rmc_trajecten) may have started years before
-- the first delivery, and a year seen only through them would show a partial count: so
-- their startdatum widens the range only forward (to a later school year), or sets it
-- when the warehouse holds nothing else.
with datums as (
    select peildatum as datum from fact_leerling
    union all
    select meldingsdatum as datum from fact_verzuimmelding
    union all
    select datum from fact_maatregel
    union all
    select besluitdatum as datum from fact_vrijstelling
    union all
    select jaar.begin_date as datum
    from fact_vsv as v
    inner join dim_schooljaar as jaar on jaar.schooljaar = v.schooljaar
),

starts as (
    select startdatum as datum from fact_thuiszitter
    union all
    select startdatum as datum from fact_rmc_traject
),

jaren as (
    select
        min(jaar.schooljaar) filter (where d.bron = 'datum') as eerste_datum,
        min(jaar.schooljaar) as eerste_start,
        max(jaar.schooljaar) as laatste
    from (
        select datum, 'datum' as bron from datums
        union all
        select datum, 'start' as bron from starts
    ) as d
    inner join dim_schooljaar as jaar on d.datum between jaar.begin_date and jaar.end_date
)

select
    coalesce(eerste_datum, eerste_start) as eerste,
    laatste
from jaren
