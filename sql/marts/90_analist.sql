-- Analyst views: the schema `analist`, what analysts query (the SQL sandbox, the
-- snapshot file `leerplein export snapshot`). Thin selections over the models above: a
-- rule is stated there, once; these views only choose and name columns. Person-level
-- rows carry only the keyed pseudonym persoon_id (the warehouse holds no BSN); the only
-- lineage shown is the name of the file a row was loaded from (`bestand`). No load
-- ledger, quarantine, tokens, users or sessions. Every view and column is described in
-- warehouse/analist.go, from which docs/schema.md is generated; a test keeps the two and
-- this file in step.

create schema if not exists analist;

-- The region configuration: gemeenten and their sub-regions.
create or replace view analist.gemeenten as
select
    gemeentecode,
    naam,
    subregio,
    subregio_naam,
    leerplicht_regionaal,
    vanaf,
    tot
from dim_gemeente;

-- School years with their bounds and reference date.
create or replace view analist.schooljaren as
select
    schooljaar,
    jaar,
    begin_date as begindatum,
    end_date as einddatum,
    peildatum
from dim_schooljaar;

-- Every closed code list in one view: list, code, report key and name.
create or replace view analist.codes as
select 'onderwijssoort' as lijst, code, kolom as sleutel, groep, naam from dim_onderwijssoort
union all
select 'geslacht' as lijst, code, lower(code) as sleutel, null as groep, naam from dim_geslacht
union all
select 'verzuimsoort' as lijst, code, rij as sleutel, null as groep, naam from dim_verzuimsoort
union all
select 'maatregel' as lijst, code, kolom as sleutel, null as groep, naam from dim_maatregel
union all
select 'afdoening' as lijst, code, kolom as sleutel, null as groep, naam from dim_afdoening
union all
select 'artikel' as lijst, code, rij as sleutel, null as groep, naam from dim_artikel
union all
select 'thuiszitter_soort' as lijst, code, rij as sleutel, null as groep, naam from dim_thuiszitter_soort
union all
select 'reden_einde' as lijst, code, lower(code) as sleutel, null as groep, naam from dim_reden_einde
union all
select 'rmc_resultaat' as lijst, code, rij as sleutel, subtotaal as groep, naam from dim_rmc_resultaat
union all
select 'trajectsoort' as lijst, code, lower(code) as sleutel, null as groep, naam from dim_trajectsoort
union all
select 'specialisatie' as lijst, code, lower(code) as sleutel, null as groep, naam from dim_specialisatie
union all
select 'vsv_gebied' as lijst, code, lower(code) as sleutel, null as groep, naam from dim_vsv_gebied
union all
select 'vsv_sector' as lijst, code, lower(code) as sleutel, null as groep, naam from dim_vsv_sector;

-- Youths living in the region on a reference date (mart.leerling).
create or replace view analist.leerlingen as
select
    l.peildatum,
    l.schooljaar,
    l.persoon_id,
    l.geboortedatum,
    l.leeftijd,
    l.geslacht,
    l.gemeentecode,
    l.subregio,
    l.onderwijssoort,
    o.groep as onderwijssoort_groep,
    l.brin,
    l.startkwalificatie,
    f.file_name as bestand,
    l.telt_leerplicht as telt_tabel1_5_18,
    case when l.telt_doorstroompunt then l.rij_doorstroompunt end as tabel1_rij_18plus
from mart.leerling as l
left join dim_onderwijssoort as o on o.code = l.onderwijssoort
left join etl_file as f on f.file_id = l.file_id;

-- Absence reports (mart.verzuimmelding), with school year, month and age.
create or replace view analist.verzuimmeldingen as
select
    m.melding_id,
    m.persoon_id,
    m.geboortedatum,
    m.leeftijd,
    m.gemeentecode,
    g.naam as gemeente,
    m.subregio,
    m.onderwijssoort,
    m.groep as onderwijssoort_groep,
    m.verzuimsoort,
    m.meldingsdatum,
    m.schooljaar,
    m.maand,
    m.startdatum,
    m.uren,
    m.brin,
    f.file_name as bestand,
    m.rij_tabel3 as tabel3_rij
from mart.verzuimmelding as m
left join dim_gemeente as g on g.gemeentecode = m.gemeentecode
left join etl_file as f on f.file_id = m.file_id;

-- Measures taken on a report (mart.maatregel), with the report's person and gemeente
-- (empty while the report has not arrived).
create or replace view analist.maatregelen as
select
    a.maatregel_id,
    a.melding_id,
    a.datum,
    a.schooljaar,
    a.maatregel,
    a.afdoening,
    a.persoon_id,
    a.gemeentecode,
    a.subregio,
    a.verzuimsoort,
    a.meldingsdatum,
    a.leeftijd_op_meldingsdatum,
    f.file_name as bestand,
    a.telt as telt_tabel4
from mart.maatregel as a
left join etl_file as f on f.file_id = a.file_id;

-- Exemptions granted (mart.vrijstelling), in the school year of the besluitdatum.
create or replace view analist.vrijstellingen as
select
    v.vrijstelling_id,
    v.persoon_id,
    v.geboortedatum,
    v.leeftijd,
    v.gemeentecode,
    v.subregio,
    v.artikel,
    v.besluitdatum,
    v.schooljaar,
    v.ingangsdatum,
    v.einddatum,
    f.file_name as bestand,
    v.telt as telt_tabel2
from mart.vrijstelling as v
left join etl_file as f on f.file_id = v.file_id;

-- Homebound episodes (thuiszitters feed), one row per episode, as delivered.
create or replace view analist.thuiszitters as
select
    t.dossier_id,
    t.persoon_id,
    t.geboortedatum,
    t.gemeentecode,
    g.subregio,
    t.soort,
    t.startdatum,
    t.einddatum,
    t.aanbod_datum,
    t.opgelost,
    t.reden_einde,
    f.file_name as bestand
from fact_thuiszitter as t
left join dim_gemeente as g on g.gemeentecode = t.gemeentecode
left join etl_file as f on f.file_id = t.file_id;

-- Homebound episodes per school year they were active in (mart.thuiszitter_jaar).
create or replace view analist.thuiszitters_per_schooljaar as
select
    schooljaar,
    dossier_id,
    persoon_id,
    gemeentecode,
    subregio,
    soort,
    startdatum,
    einddatum,
    leeftijd,
    langer_dan_3_maanden,
    opgelost_in_jaar,
    gestart_in_jaar,
    aanbod_binnen_3_maanden,
    telt as telt_tabel6
from mart.thuiszitter_jaar;

-- Doorstroompunt/RMC trajectories (rmc_trajecten feed), one row per trajectory.
create or replace view analist.rmc_trajecten as
select
    r.traject_id,
    r.persoon_id,
    r.geboortedatum,
    r.gemeentecode,
    g.subregio,
    r.melddatum,
    r.startdatum,
    r.einddatum,
    r.resultaat,
    r.trajectsoort,
    r.specialisatie,
    f.file_name as bestand
from fact_rmc_traject as r
left join dim_gemeente as g on g.gemeentecode = r.gemeentecode
left join etl_file as f on f.file_id = r.file_id;

-- Trajectories per school year they were active in (mart.rmc_traject_jaar), with their
-- row and column of tabel9 (tabel8 counts them all).
create or replace view analist.rmc_trajecten_per_schooljaar as
select
    schooljaar,
    traject_id,
    persoon_id,
    gemeentecode,
    subregio,
    melddatum,
    startdatum,
    einddatum,
    resultaat,
    trajectsoort,
    tabel9_rij,
    tabel9_kolom,
    telt as telt_tabel8
from mart.rmc_traject_jaar;

-- DUO/OCW's early-school-leaving figures (mart.vsv) as delivered: definitive where
-- delivered, without the totals tabel7 computes. vsv_pct as in tabel7.
create or replace view analist.vsv_cijfers as
select
    v.schooljaar,
    v.gebied,
    v.sector,
    v.deelnemers,
    v.vsvers,
    v.vsv_pct,
    v.status,
    f.file_name as bestand
from mart.vsv as v
left join etl_file as f on f.file_id = v.file_id
where not v.berekend;

-- Coverage (mart.dekking): the school years each feed covers, with the first and last
-- counting date seen.
create or replace view analist.dekking as
select
    bron,
    schooljaar,
    eerste_datum,
    laatste_datum
from mart.dekking;

-- What every figure is per school year and gemeente (mart.figuur_status): a value, or
-- geen_gegevens / niet_van_toepassing with the reason. Only school years some feed
-- covers.
create or replace view analist.figuur_status as
select
    s.figuur,
    f.taak,
    s.schooljaar,
    s.gemeentecode,
    s.status,
    s.reden,
    s.ontbrekende_bronnen
from mart.figuur_status as s
inner join mart.figuren as f on f.figuur = s.figuur
where s.schooljaar in (select schooljaar from mart.dekking);

-- The age rules with the dates they are in force (mart.leeftijdsregels).
create or replace view analist.leeftijdsregels as
select
    regel,
    sleutel,
    leeftijd_van,
    leeftijd_tot,
    geldig_vanaf,
    geldig_tot,
    omschrijving
from mart.leeftijdsregels;
