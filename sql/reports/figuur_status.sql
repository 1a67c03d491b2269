-- What every figure of one school year is, per gemeente: the rows of
-- sql/marts/04_figuur_status.sql (a value when status is empty, else geen_gegevens or
-- niet_van_toepassing, with the reason), and whether the school year was still in
-- progress on $vandaag (lopend: today before 31 July, the last day of the school year;
-- its values are then year-to-date).
--
-- Parameters: $schooljaar, e.g. '2018-2019'; $vandaag, the date the report is made.
select
    s.figuur,
    s.gemeentecode,
    g.naam,
    s.subregio,
    g.subregio_naam,
    s.status,
    s.reden,
    s.ontbrekende_bronnen,
    cast($vandaag as date) < j.end_date as lopend
from mart.figuur_status as s
inner join dim_schooljaar as j on j.schooljaar = s.schooljaar
left join dim_gemeente as g on g.gemeentecode = s.gemeentecode
where s.schooljaar = $schooljaar
order by s.figuur, s.gemeentecode
