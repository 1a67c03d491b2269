-- KPIs vsv_nieuw, vsv_pct_vo and vsv_pct_mbo — new early school leavers, from the
-- DUO/OCW figures (vsv_cijfers). These figures are regional: they carry no gemeente,
-- so these KPIs take no sub-region or gemeente filter.
--
-- The rows of jaarverslag tabel7 (sql/reports/jaarverslag_tabel7.sql), for every school
-- year at once:
--   * the rows delivered per school year, gebied (REGIO, LANDELIJK) and sector (VO,
--     MBO, VAVO, TOTAAL); the loader keeps DEFINITIEF over VOORLOPIG;
--   * where no TOTAAL row was delivered for a gebied, its total is the sum of the
--     gebied's delivered sectors.
-- vsv_nieuw = vsvers of (REGIO, TOTAAL): tabel7 totaal_regio/vsvers; its target is at
-- most 500 and 10% below 2016-2017.
-- vsv_pct_vo / vsv_pct_mbo = 100 · vsvers / deelnemers of (REGIO, VO) / (REGIO, MBO),
-- rounded half away from zero to 2 decimals (tabel7 vo_regio/vsv_pct); the target is the
-- same percentage of (LANDELIJK, VO) / (LANDELIJK, MBO) in the same year. The API
-- rounds exactly as tabel7 does (integer arithmetic, not floating point).
--
-- No parameters: every school year at once.
with geleverd as (
    select
        schooljaar,
        gebied,
        sector,
        deelnemers,
        vsvers,
        status
    from fact_vsv
),

sectoren as (
    select schooljaar, gebied, sector, deelnemers, vsvers, status
    from geleverd
    where sector <> 'TOTAAL'
),

totaal_geleverd as (
    select schooljaar, gebied, sector, deelnemers, vsvers, status
    from geleverd
    where sector = 'TOTAAL'
),

totaal_berekend as (
    select
        s.schooljaar,
        s.gebied,
        'TOTAAL' as sector,
        cast(sum(s.deelnemers) as bigint) as deelnemers,
        cast(sum(s.vsvers) as bigint) as vsvers,
        min(s.status) as status
    from sectoren as s
    anti join totaal_geleverd as t on t.schooljaar = s.schooljaar and t.gebied = s.gebied
    group by s.schooljaar, s.gebied
)

select schooljaar, gebied, sector, deelnemers, vsvers, status from sectoren
union all
select schooljaar, gebied, sector, deelnemers, vsvers, status from totaal_geleverd
union all
select schooljaar, gebied, sector, deelnemers, vsvers, status from totaal_berekend
order by schooljaar, gebied, sector
