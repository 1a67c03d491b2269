-- Gemeenten per school year: whether a gemeente existed during the school year and whose
-- task its figures are. One row per gemeente of the region configuration (dim_gemeente)
-- and school year (dim_schooljaar).
--
--   bestond          the gemeente existed during Y: its `vanaf`/`tot` in the region file
--                    (both inclusive; empty: always) overlap Y, i.e. vanaf is empty or
--                    on/before 31 July and tot is empty or on/after 1 August. A gemeente
--                    with tot 31 July did not exist in the school year starting the next
--                    day; with tot 1 August it did (for one day).
--   telt_leerplicht  the gemeente's rows count in the figures of the leerplicht task (ages
--                    5 to 17: tabel1 5_18 rows, tabel2, tabel3 under 18, tabel4, tabel5,
--                    the leerplichttelling; KPIs vrijstellingen, halt_pv, the under-18
--                    part of verzuim_meldingen): it existed and the bureau runs its
--                    leerplicht (leerplicht_regionaal = J). A gemeente that runs
--                    leerplicht itself files its own figures: its rows are not counted
--                    here, even when delivered.
--   telt_regionaal   the gemeente's rows count in the regional figures (18+ in tabel1 and
--                    tabel3, thuiszitters, Doorstroompunt/RMC): it existed.
-- A figure of a gemeente that does not count is `niet_van_toepassing` (04_figuur_status.sql).
create or replace view mart.gemeente_jaar as
with gemeente_jaren as (
    select
        g.gemeentecode,
        g.naam,
        g.subregio,
        g.subregio_naam,
        g.leerplicht_regionaal,
        g.vanaf,
        g.tot,
        j.schooljaar,
        j.jaar,
        (g.vanaf is null or g.vanaf <= j.end_date)
            and (g.tot is null or g.tot >= j.begin_date) as bestond
    from dim_gemeente as g
    cross join dim_schooljaar as j
)

select
    gemeentecode,
    naam,
    subregio,
    subregio_naam,
    schooljaar,
    jaar,
    vanaf,
    tot,
    leerplicht_regionaal,
    bestond,
    bestond and leerplicht_regionaal as telt_leerplicht,
    bestond as telt_regionaal
from gemeente_jaren;
