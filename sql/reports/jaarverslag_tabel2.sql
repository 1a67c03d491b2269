-- Jaarverslag tabel2 — exemptions granted (vrijstellingen).
--
-- The counting rules are those of sql/marts/13_vrijstelling.sql: exemptions with
-- besluitdatum in the school year, of youths of compulsory school age on the besluitdatum,
-- in gemeenten whose leerplicht the bureau runs (telt). Exemptions are counted, not
-- persons; row by artikel (3A and 3B share art_3a_3b); one column, `aantal`.
-- The `totaal` row is the sum of the article rows, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
select
    'tabel2' as tabel,
    rij,
    'aantal' as kolom,
    count(*) as waarde
from mart.vrijstelling
where schooljaar = $schooljaar
  and telt
group by rij
