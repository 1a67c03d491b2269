-- What every figure is, per school year and gemeente, for the KPIs: the rows of
-- sql/marts/04_figuur_status.sql (status empty for a value, else geen_gegevens or
-- niet_van_toepassing, with the reason), and whether the school year was still in
-- progress on $vandaag (lopend: today before 31 July; its values are year-to-date and a
-- target for a whole year is not judged on them), with tot_en_met: for a year in
-- progress, the last day its figures count: the earliest of the last counting dates of
-- the figure's feeds in that year (sql/marts/02_dekking.sql), and never after $vandaag
-- (empty for a finished year, and where no dated feed covers the year).
--
-- Parameter: $vandaag, the day the figures are read; every school year at once.
with figuur_bron as (
    select f.figuur, unnest(f.bronnen) as bron
    from mart.figuren as f
),

tot as (
    select fb.figuur, d.schooljaar, min(d.laatste_datum) as laatste_datum
    from figuur_bron as fb
    inner join mart.dekking as d on d.bron = fb.bron
    group by fb.figuur, d.schooljaar
)

select
    s.figuur,
    s.schooljaar,
    s.gemeentecode,
    s.status,
    s.reden,
    cast($vandaag as date) < j.end_date as lopend,
    case
        when cast($vandaag as date) < j.end_date then least(t.laatste_datum, cast($vandaag as date))
    end as tot_en_met
from mart.figuur_status as s
inner join dim_schooljaar as j on j.schooljaar = s.schooljaar
left join tot as t on t.figuur = s.figuur and t.schooljaar = s.schooljaar
order by s.figuur, s.schooljaar, s.gemeentecode
