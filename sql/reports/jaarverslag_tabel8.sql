-- Jaarverslag tabel8 — Doorstroompunt/RMC caseload.
--
-- The trajectories of sql/marts/15_rmc_traject_jaar.sql (telt): active in the school
-- year, of every gemeente of the region; trajectories are counted, not persons; no age
-- limit. Row `rmc_ers`, column `aantal`. Equals tabel9's `totaal`/`totaal`.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
select
    'tabel8' as tabel,
    'rmc_ers' as rij,
    'aantal' as kolom,
    count(*) as waarde
from mart.rmc_traject_jaar
where schooljaar = $schooljaar
  and telt
