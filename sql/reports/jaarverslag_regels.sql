-- The Doorstroompunt age rules a school year's report counts by (mart.leeftijdsregels):
-- every rule of regel `doorstroompunt` in force on some day of the year, in date order,
-- which of them is in force on the peildatum (tabel1), and whether a rule took over from
-- an earlier one (na_wijziging: its report says so in a note). tabel3 counts each report by
-- the rule of its own meldingsdatum, so a year across a change uses more than one.
--
-- Parameter: $schooljaar, e.g. '2025-2026'.
select
    r.sleutel,
    r.leeftijd_van,
    r.leeftijd_tot,
    r.geldig_vanaf,
    r.geldig_tot,
    r.omschrijving,
    j.peildatum between r.geldig_vanaf and r.geldig_tot as op_peildatum,
    exists (
        select 1 from mart.leeftijdsregels as e
        where e.regel = r.regel and e.geldig_vanaf < r.geldig_vanaf
    ) as na_wijziging
from mart.leeftijdsregels as r
inner join dim_schooljaar as j
    on r.geldig_vanaf <= j.end_date and r.geldig_tot >= j.begin_date
where r.regel = 'doorstroompunt'
  and j.schooljaar = $schooljaar
order by r.geldig_vanaf
