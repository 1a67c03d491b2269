-- The figures the warehouse counts, by the task they belong to and the feeds they count
-- from: what decides whether a figure is a value, `geen_gegevens` or
-- `niet_van_toepassing` (04_figuur_status.sql).
--
--   taak          leerplicht: the bureau's compulsory-education task (ages 5 to 17),
--                 counted only for gemeenten whose leerplicht the bureau runs;
--                 regionaal: counted for every gemeente of the region (18+, the
--                 Doorstroompunt/RMC, and thuiszitters, which the bureau follows for
--                 every gemeente).
--   per_gemeente  false for figures delivered for the region as a whole (DUO's vsv
--                 figures): they have no gemeente and no task of a gemeente.
--   bronnen       the feeds the figure counts from; it needs every one of them to cover
--                 the school year (tabel4 and tabel5 count measures joined to their
--                 reports: maatregelen and verzuimmeldingen).
create or replace view mart.figuren as
select
    figuur,
    taak,
    per_gemeente,
    cast(bronnen as varchar[]) as bronnen,
    omschrijving
from (values
    ('leerlingen_leerplicht', 'leerplicht', true, ['leerlingen'],
        'tabel1, rijen van 5 t/m 17 jaar'),
    ('leerlingen_doorstroompunt', 'regionaal', true, ['leerlingen'],
        'tabel1, rijen van 18 t/m 22 jaar per subregio'),
    ('vrijstellingen', 'leerplicht', true, ['vrijstellingen'],
        'tabel2; KPI vrijstellingen; leerplichttelling vrijstelling_*'),
    ('verzuim_leerplicht', 'leerplicht', true, ['verzuimmeldingen'],
        'tabel3, meldingen tot 18 jaar; KPI verzuim_meldingen (deel tot 18 jaar); leerplichttelling relatief_verzuim, waarvan_herhaald, luxe_verzuim'),
    ('verzuim_doorstroompunt', 'regionaal', true, ['verzuimmeldingen'],
        'tabel3, relatief verzuim 18 t/m 22 jaar per subregio; KPI verzuim_meldingen (deel 18+)'),
    ('maatregelen', 'leerplicht', true, ['maatregelen', 'verzuimmeldingen'],
        'tabel4, tabel5; KPI halt_pv'),
    ('thuiszitters', 'regionaal', true, ['thuiszitters'],
        'tabel6; KPI''s thuiszitters, thuiszitters_langer_dan_3_maanden, thuiszitters_aanbod_binnen_3_maanden_pct'),
    ('langdurig_verzuim', 'leerplicht', true, ['thuiszitters'],
        'leerplichttelling langdurig_relatief_verzuim_*'),
    ('absoluut_verzuim', 'leerplicht', true, ['verzuimmeldingen', 'thuiszitters'],
        'leerplichttelling absoluut_verzuim'),
    ('rmc_trajecten', 'regionaal', true, ['rmc_trajecten'],
        'tabel8, tabel9; KPI''s rmc_ers, rmc_herplaatst_pct, jikp, onderwijs_of_werk_pct; vsv-export Doorstroompunt'),
    ('vsv', 'regionaal', false, ['vsv_cijfers'],
        'tabel7; KPI''s vsv_nieuw, vsv_pct_vo, vsv_pct_mbo')
) as f(figuur, taak, per_gemeente, bronnen, omschrijving);
