-- Jaarverslag tabel3 — unauthorised absence reports (verzuimmeldingen).
--
-- The counting rules are those of sql/marts/11_verzuimmelding.sql: reports with
-- meldingsdatum in the school year, SIGNAAL never; rows relatief, luxe, absoluut for
-- youths under 18 in gemeenten whose leerplicht the bureau runs; relatief_18plus_<subregio>
-- for RELATIEF at the Doorstroompunt age in force on the meldingsdatum (18 to 22, from
-- 1 January 2026 18 to 26) in any gemeente of the region;
-- columns by onderwijssoort of origin. Reports are counted, not persons. The `totaal` row
-- and column are sums, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
select
    'tabel3' as tabel,
    rij_tabel3 as rij,
    kolom,
    count(*) as waarde
from mart.verzuimmelding
where schooljaar = $schooljaar
  and rij_tabel3 is not null
  and kolom is not null
group by rij_tabel3, kolom
