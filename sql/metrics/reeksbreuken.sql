-- Series breaks: the days an age rule of mart.leeftijdsregels (sql/marts/00_regels.sql)
-- changed, so that a KPI counted by it is not comparable across that day. One row per
-- rule row that takes over from an earlier row of the same regel (its geldig_vanaf is
-- the day after the other's geldig_tot), with the bands before and after. The school
-- year that contains `vanaf` is the first counted (partly) under the new rule: it counts
-- each row under the rule in force on that row's date.
--
-- No parameters.
select
    n.regel,
    n.geldig_vanaf as vanaf,
    mart.jaar(n.geldig_vanaf) as jaar,
    o.leeftijd_van as oud_van,
    o.leeftijd_tot as oud_tot,
    n.leeftijd_van as nieuw_van,
    n.leeftijd_tot as nieuw_tot,
    n.omschrijving
from mart.leeftijdsregels as n
inner join mart.leeftijdsregels as o
    on o.regel = n.regel
    and o.geldig_tot + interval 1 day = n.geldig_vanaf
order by n.regel, n.geldig_vanaf
