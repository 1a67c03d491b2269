-- Jaarverslag tabel2 — exemptions granted (vrijstellingen).
--
-- Counting rule (definitions.md, tabel2):
--   * every exemption whose besluitdatum (decision date) lies in the school year,
--     1 August JJJJ to 31 July JJJJ+1 inclusive;
--   * of a youth aged 5 to 17 on the besluitdatum (whole years lived: date_sub, not
--     date_diff);
--   * exemptions are counted, not persons; row by artikel (dim_artikel.rij), where
--     3A and 3B share the row `art_3a_3b`; one column, `aantal`.
-- Only youths living in a gemeente of the region configuration (dim_gemeente) count.
-- The `totaal` row is the sum of the article rows, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

vrijstellingen as (
    select
        v.artikel,
        date_sub('year', v.geboortedatum, v.besluitdatum) as leeftijd
    from fact_vrijstelling as v
    inner join jaar on v.besluitdatum between jaar.begin_date and jaar.end_date
    inner join dim_gemeente as g on g.gemeentecode = v.gemeentecode
),

leerplichtig as (
    select artikel
    from vrijstellingen
    where leeftijd between 5 and 17
)

select
    'tabel2' as tabel,
    a.rij,
    'aantal' as kolom,
    count(*) as waarde
from leerplichtig as l
inner join dim_artikel as a on a.code = l.artikel
group by a.rij
