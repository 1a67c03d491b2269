-- Jaarverslag tabel5 — HALT referrals and official reports by outcome (afdoening).
--
-- The measures of tabel4 (sql/marts/12_maatregel.sql, telt), by the report's verzuimsoort:
--   * column by afdoening: leerstraf, geldboete, taakstraf, overig;
--   * column `totaal` counts every measure, so a measure with no afdoening yet (pending)
--     counts in `totaal` only: here `totaal` is NOT the sum of the outcome columns, and
--     equals tabel4's `totaal` column.
-- The `totaal` row is the sum of the rows, added by the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with maatregelen as (
    select rij, afdoening_kolom
    from mart.maatregel
    where schooljaar = $schooljaar
      and telt
),

ingedeeld as (
    select rij, afdoening_kolom as kolom from maatregelen where afdoening_kolom is not null
    union all
    select rij, 'totaal' as kolom from maatregelen
)

select
    'tabel5' as tabel,
    rij,
    kolom,
    count(*) as waarde
from ingedeeld
group by rij, kolom
