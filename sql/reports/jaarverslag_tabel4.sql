-- Jaarverslag tabel4 — HALT referrals and official reports (proces-verbaal).
--
-- The counting rules are those of sql/marts/12_maatregel.sql (telt): HALT and PV measures
-- with datum in the school year, joined to their report (a measure whose report has not
-- arrived is not counted), whose youth was under 18 on the meldingsdatum, in gemeenten
-- whose leerplicht the bureau runs. Row by the report's verzuimsoort, column by measure.
-- Measures are counted. The `totaal` row and column are sums, added by the report layout.
-- tabel5 uses the same selection.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
select
    'tabel4' as tabel,
    rij,
    kolom,
    count(*) as waarde
from mart.maatregel
where schooljaar = $schooljaar
  and telt
group by rij, kolom
