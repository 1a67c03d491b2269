-- VSV export — Doorstroompunt/RMC results per gemeente: jaarverslag tabel9, grouped by
-- the gemeente of residence on the trajectory.
--
-- The trajectories of tabel9 (sql/marts/15_rmc_traject_jaar.sql, telt), by their row
-- and column in tabel9. Only gemeenten of the region that existed during the year count,
-- so the gemeenten add up to tabel9 of the region exactly. The `subtotaal_*` and
-- `totaal` rows and the `totaal` column are sums, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
select
    gemeentecode,
    tabel9_rij as rij,
    tabel9_kolom as kolom,
    count(*) as waarde
from mart.rmc_traject_jaar
where schooljaar = $schooljaar
  and telt
group by gemeentecode, tabel9_rij, tabel9_kolom
