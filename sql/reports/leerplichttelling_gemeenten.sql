-- Leerplichttelling — the gemeenten a school year is counted for.
--
-- Every gemeente of the region configuration (dim_gemeente), with `bestond`: whether it
-- existed during the school year Y, i.e. vanaf is empty or on/before end(Y) (31 July)
-- and tot is empty or on/after begin(Y) (1 August). `tot` is the last day the gemeente
-- existed: GM0393 (tot 2018-12-31) is counted in 2018-2019, not in 2019-2020.
-- The count lists every gemeente that existed during Y, with zeros where nothing was
-- counted, and also a gemeente that no longer existed but still has rows counted in Y
-- (a late report under a former code), so that nobody drops out of the count unseen
-- (warehouse/leerplichttelling.go).
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
)

select
    g.gemeentecode,
    g.naam,
    (g.vanaf is null or g.vanaf <= jaar.end_date)
        and (g.tot is null or g.tot >= jaar.begin_date) as bestond
from dim_gemeente as g
cross join jaar
order by g.gemeentecode
