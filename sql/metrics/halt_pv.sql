-- KPI halt_pv — HALT referrals and official reports (proces-verbaal) per school year and
-- gemeente.
--
-- The measures of jaarverslag tabel4 (sql/marts/12_maatregel.sql, telt): HALT and PV with
-- datum in the school year, on a report that has arrived, of a youth under 18 on the
-- meldingsdatum, in a gemeente whose leerplicht the bureau runs (the gemeente of the
-- report). The KPI is tabel4 totaal/totaal; with a filter, the sum over those gemeenten.
--
-- No parameters: every school year at once.
select
    schooljaar,
    gemeentecode,
    count(*) as aantal
from mart.maatregel
where telt
group by schooljaar, gemeentecode
order by schooljaar, gemeentecode
