-- What every figure is, per school year and gemeente, for the KPIs: the rows of
-- sql/marts/04_figuur_status.sql (status empty for a value, else geen_gegevens or
-- niet_van_toepassing, with the reason), and whether the school year was still in
-- progress on $vandaag (lopend: today before 31 July; its values are year-to-date and a
-- target for a whole year is not judged on them).
--
-- Parameter: $vandaag, the day the figures are read; every school year at once.
select
    s.figuur,
    s.schooljaar,
    s.gemeentecode,
    s.status,
    s.reden,
    cast($vandaag as date) < j.end_date as lopend
from mart.figuur_status as s
inner join dim_schooljaar as j on j.schooljaar = s.schooljaar
order by s.figuur, s.schooljaar, s.gemeentecode
