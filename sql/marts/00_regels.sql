-- The rules every model below applies, each stated once.
--
-- The models (sql/marts/*.sql) are views in the schema `mart`, recreated from these files
-- in name order whenever the warehouse is opened: the files are the rules, and the
-- warehouse always holds the ones of the program that opened it. Report tables
-- (sql/reports/), KPIs (sql/metrics/) and the analyst views (90_analist.sql) are thin
-- selections over these models.

create schema if not exists mart;

-- The school year of a date, named by its first calendar year (dim_schooljaar.jaar): a
-- school year runs from 1 August JJJJ to 31 July JJJJ+1 inclusive, so a date before
-- August belongs to the school year that began the calendar year before. Models join
-- dim_schooljaar on `jaar = mart.jaar(datum)`: an equality join, fast on millions of rows.
create or replace macro mart.jaar(datum) as
    year(datum) - case when month(datum) < 8 then 1 else 0 end;

-- Active in school year Y (an episode or trajectory): startdatum <= end(Y) and
-- (einddatum empty or einddatum >= begin(Y)). On school years: the start falls in Y or
-- before, the end (if any) in Y or after.
create or replace macro mart.actief_in(startdatum, einddatum, jaar) as
    mart.jaar(startdatum) <= jaar and (einddatum is null or mart.jaar(einddatum) >= jaar);

-- Age: whole years lived on a date. date_sub counts completed years (a real age; the day
-- before the 18th birthday is 17), unlike date_diff, which counts calendar-year boundaries.
create or replace macro mart.leeftijd(geboortedatum, op) as
    date_sub('year', geboortedatum, op);

-- Three calendar months after a date: the day the 3-month mark falls on (30 November +
-- 3 months is 28 February; 31 May + 3 months is 31 August).
create or replace macro mart.drie_maanden_na(van) as
    cast(van + interval 3 month as date);

-- "Longer than 3 months" from a date to a later one: more than three calendar months,
-- `tot > mart.drie_maanden_na(van)` (exactly three months is not longer).
create or replace macro mart.langer_dan_3_maanden(van, tot) as
    tot > mart.drie_maanden_na(van);

-- An episode active in school year Y "longer than 3 months" as the figure stands on
-- `vandaag` (tabel6, the leerplichttelling): from startdatum to the earliest of its
-- einddatum, 31 July of Y (end_y) and vandaag. Once Y is over, an ongoing episode is
-- measured to 31 July; while Y is in progress (lopend), to today: a year-to-date figure
-- counts what has lasted so far, not what would last if nothing changed.
create or replace macro mart.langer_dan_3_maanden_in_jaar(startdatum, einddatum, end_y, vandaag) as
    mart.langer_dan_3_maanden(startdatum, least(coalesce(einddatum, end_y), end_y, vandaag));

-- The age rules, with the dates they are in force (both inclusive). A figure uses the
-- rule in force on the date its counting rule names (the peildatum for tabel1, the
-- meldingsdatum for tabel3, ...). When a law changes a rule, its row gets a geldig_tot
-- and a new row takes over from the next day: the models need no change.
--   leerplicht      5 to 17: compulsory school age (tabel1 5_18, tabel2, tabel6, the
--                   leerplichttelling);
--   minderjarig     under 18 (tabel3's rows relatief/luxe/absoluut, tabel4 and tabel5);
--   doorstroompunt  the Doorstroompunt/RMC target group (tabel1 18_23_<subregio> or
--                   18_27_<subregio>, tabel3 relatief_18plus_<subregio>): 18 to 22 up to
--                   31 December 2025; 18 to 26 from 1 January 2026, when the Wet van school
--                   naar duurzaam werk took effect.
-- `sleutel` names the band in the report rows (jongens_5_18, 18_23_zk, 18_27_zk).
--
-- The next change is one more row: give the rule in force a geldig_tot and add a row
-- from the day after (a rule of a new shape, a new VSV definition say, is a new `regel`
-- and the one model that counts by it).
create or replace view mart.leeftijdsregels as
select
    regel,
    sleutel,
    cast(leeftijd_van as integer) as leeftijd_van,
    cast(leeftijd_tot as integer) as leeftijd_tot,
    cast(geldig_vanaf as date) as geldig_vanaf,
    cast(geldig_tot as date) as geldig_tot,
    omschrijving
from (values
    ('leerplicht', '5_18', 5, 17, '1900-01-01', '9999-12-31', 'Leerplichtige leeftijd: 5 t/m 17 jaar.'),
    ('minderjarig', 'onder_18', null, 17, '1900-01-01', '9999-12-31', 'Jonger dan 18 jaar.'),
    ('doorstroompunt', '18_23', 18, 22, '1900-01-01', '2025-12-31', 'Doelgroep van het Doorstroompunt/RMC: 18 t/m 22 jaar.'),
    ('doorstroompunt', '18_27', 18, 26, '2026-01-01', '9999-12-31',
        'Doelgroep van het Doorstroompunt: 18 t/m 26 jaar (Wet van school naar duurzaam werk, vanaf 1 januari 2026).')
) as r(regel, sleutel, leeftijd_van, leeftijd_tot, geldig_vanaf, geldig_tot, omschrijving);

-- The band (its sleutel) of rule `regel` that an age falls in on a date, or null when the
-- age is outside the rule in force on that date.
create or replace macro mart.leeftijdsband(regel_naam, op, leeftijd) as (
    select r.sleutel
    from mart.leeftijdsregels as r
    where r.regel = regel_naam
      and op between r.geldig_vanaf and r.geldig_tot
      and (r.leeftijd_van is null or leeftijd >= r.leeftijd_van)
      and leeftijd <= r.leeftijd_tot
);
