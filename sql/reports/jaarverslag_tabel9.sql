-- Jaarverslag tabel9 — Doorstroompunt/RMC results.
--
-- The trajectories of tabel8 (sql/marts/15_rmc_traject_jaar.sql, telt), by their row and
-- column in this table: tabel9_kolom voor_verslagjaar (known before 1 August) or nieuw;
-- tabel9_rij the resultaat when the trajectory ended by 31 July, else monitoring or
-- in_traject. The `subtotaal_*` and `totaal` rows and the `totaal` column are sums,
-- added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
select
    'tabel9' as tabel,
    tabel9_rij as rij,
    tabel9_kolom as kolom,
    count(*) as waarde
from mart.rmc_traject_jaar
where schooljaar = $schooljaar
  and telt
group by tabel9_rij, tabel9_kolom
