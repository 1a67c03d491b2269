-- New early school leavers (vsv_cijfers feed, DUO/OCW): tabel7 and the KPIs vsv_nieuw,
-- vsv_pct_vo and vsv_pct_mbo. These figures are regional: they carry no gemeente.
--
-- One row per school year, gebied (REGIO, LANDELIJK) and sector (VO, MBO, VAVO, TOTAAL),
-- present only where delivered (the loader keeps DEFINITIEF over VOORLOPIG). Rules
-- (definitions.md, tabel7):
--   * a gebied's TOTAAL is the delivered TOTAAL row; where none was delivered, the sum of
--     the gebied's delivered sectors (berekend = true; its status the lowest of theirs;
--     no file_id);
--   * rij: `<sector>_<gebied>` in lower case (vo_regio, totaal_landelijk);
--   * vsv_pct = 100 · vsvers / deelnemers, rounded half away from zero to 2 decimals (0
--     when there are no deelnemers). DuckDB divides DECIMALs in DOUBLE, which rounds 1.005
--     down; so the percentage is taken exactly: integer division gives the quotient
--     truncated to whole thousandths (truncating at the third decimal never crosses a
--     ...5 boundary), then round() on the DECIMAL rounds half away from zero.
create or replace view mart.vsv as
with geleverd as (
    select schooljaar, gebied, sector, deelnemers, vsvers, status, false as berekend, file_id
    from fact_vsv
),

totaal_berekend as (
    select
        s.schooljaar,
        s.gebied,
        'TOTAAL' as sector,
        cast(sum(s.deelnemers) as bigint) as deelnemers,
        cast(sum(s.vsvers) as bigint) as vsvers,
        min(s.status) as status,
        true as berekend,
        cast(null as bigint) as file_id
    from geleverd as s
    where s.sector <> 'TOTAAL'
      and not exists (
          select 1 from geleverd as t
          where t.schooljaar = s.schooljaar and t.gebied = s.gebied and t.sector = 'TOTAAL'
      )
    group by s.schooljaar, s.gebied
),

regels as (
    select schooljaar, gebied, sector, deelnemers, vsvers, status, berekend, file_id from geleverd
    union all
    select schooljaar, gebied, sector, deelnemers, vsvers, status, berekend, file_id from totaal_berekend
)

select
    schooljaar,
    gebied,
    sector,
    lower(sector) || '_' || lower(gebied) as rij,
    deelnemers,
    vsvers,
    cast(case
        when deelnemers = 0 then 0
        else round(((100000 * vsvers) // deelnemers) * 0.001, 2)
    end as decimal(9, 2)) as vsv_pct,
    status,
    berekend,
    file_id
from regels;
