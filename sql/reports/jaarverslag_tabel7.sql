-- Jaarverslag tabel7 — new early school leavers (vsv), from the DUO/OCW figures.
--
-- The rows of sql/marts/16_vsv.sql for the school year: `<sector>_<gebied>`, present only
-- where delivered (a gebied's total computed from its sectors when DUO delivered none),
-- with columns deelnemers, vsvers and vsv_pct. Every cell of this table is computed
-- here; the report layout adds nothing.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with regels as (
    select rij, deelnemers, vsvers, vsv_pct
    from mart.vsv
    where schooljaar = $schooljaar
),

cellen as (
    select rij, 'deelnemers' as kolom, cast(deelnemers as decimal(18, 2)) as waarde from regels
    union all
    select rij, 'vsvers' as kolom, cast(vsvers as decimal(18, 2)) as waarde from regels
    union all
    select rij, 'vsv_pct' as kolom, cast(vsv_pct as decimal(18, 2)) as waarde from regels
)

select
    'tabel7' as tabel,
    rij,
    kolom,
    waarde
from cellen
