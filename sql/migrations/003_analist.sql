-- Analyst views: the schema `analist`, what analysts query (the SQL sandbox, the
-- snapshot file `leerplein export snapshot`). Person-level rows carry only the keyed
-- pseudonym persoon_id (the warehouse holds no BSN); the only lineage shown is the name
-- of the file a row was loaded from (`bestand`). No load ledger, quarantine, tokens,
-- users or sessions. Every view and column is described in warehouse/analist.go, from
-- which docs/schema.md is generated; a test keeps the two and this file in step.
--
-- The school year of a date: 1 August JJJJ to 31 July JJJJ+1 is 'JJJJ-JJJJ+1'
-- (dim_schooljaar.jaar = the year of the date, less one before August). Ages are whole
-- years lived (date_sub, not date_diff).

create schema analist;

-- The region configuration: gemeenten and their sub-regions.
create view analist.gemeenten as
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
create view analist.schooljaren as
select
    schooljaar,
    jaar,
    begin_date as begindatum,
    end_date as einddatum,
    peildatum
from dim_schooljaar;

-- Every closed code list in one view: list, code, report key and name.
create view analist.codes as
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

-- Youths living in the region on a reference date (leerlingen feed).
create view analist.leerlingen as
select
    l.peildatum,
    jaar.schooljaar,
    l.persoon_id,
    l.geboortedatum,
    date_sub('year', l.geboortedatum, l.peildatum) as leeftijd,
    l.geslacht,
    l.gemeentecode,
    g.subregio,
    l.onderwijssoort,
    o.groep as onderwijssoort_groep,
    l.brin,
    l.startkwalificatie,
    f.file_name as bestand
from fact_leerling as l
left join dim_schooljaar as jaar
    on jaar.jaar = year(l.peildatum) - case when month(l.peildatum) < 8 then 1 else 0 end
left join dim_gemeente as g on g.gemeentecode = l.gemeentecode
left join dim_onderwijssoort as o on o.code = l.onderwijssoort
left join etl_file as f on f.file_id = l.file_id;

-- Absence reports (verzuimmeldingen feed), with school year, month and age.
create view analist.verzuimmeldingen as
select
    m.melding_id,
    m.persoon_id,
    m.geboortedatum,
    date_sub('year', m.geboortedatum, m.meldingsdatum) as leeftijd,
    m.gemeentecode,
    g.naam as gemeente,
    g.subregio,
    m.onderwijssoort,
    o.groep as onderwijssoort_groep,
    m.verzuimsoort,
    m.meldingsdatum,
    jaar.schooljaar,
    cast(date_trunc('month', m.meldingsdatum) as date) as maand,
    m.startdatum,
    m.uren,
    m.brin,
    f.file_name as bestand
from fact_verzuimmelding as m
left join dim_schooljaar as jaar
    on jaar.jaar = year(m.meldingsdatum) - case when month(m.meldingsdatum) < 8 then 1 else 0 end
left join dim_gemeente as g on g.gemeentecode = m.gemeentecode
left join dim_onderwijssoort as o on o.code = m.onderwijssoort
left join etl_file as f on f.file_id = m.file_id;

-- Measures taken on a report (maatregelen feed), with the report's person and gemeente
-- (empty while the report has not arrived).
create view analist.maatregelen as
select
    a.maatregel_id,
    a.melding_id,
    a.datum,
    jaar.schooljaar,
    a.maatregel,
    a.afdoening,
    m.persoon_id,
    m.gemeentecode,
    g.subregio,
    m.verzuimsoort,
    m.meldingsdatum,
    date_sub('year', m.geboortedatum, m.meldingsdatum) as leeftijd_op_meldingsdatum,
    f.file_name as bestand
from fact_maatregel as a
left join fact_verzuimmelding as m on m.melding_id = a.melding_id
left join dim_schooljaar as jaar
    on jaar.jaar = year(a.datum) - case when month(a.datum) < 8 then 1 else 0 end
left join dim_gemeente as g on g.gemeentecode = m.gemeentecode
left join etl_file as f on f.file_id = a.file_id;

-- Exemptions granted (vrijstellingen feed), in the school year of the besluitdatum.
create view analist.vrijstellingen as
select
    v.vrijstelling_id,
    v.persoon_id,
    v.geboortedatum,
    date_sub('year', v.geboortedatum, v.besluitdatum) as leeftijd,
    v.gemeentecode,
    g.subregio,
    v.artikel,
    v.besluitdatum,
    jaar.schooljaar,
    v.ingangsdatum,
    v.einddatum,
    f.file_name as bestand
from fact_vrijstelling as v
left join dim_schooljaar as jaar
    on jaar.jaar = year(v.besluitdatum) - case when month(v.besluitdatum) < 8 then 1 else 0 end
left join dim_gemeente as g on g.gemeentecode = v.gemeentecode
left join etl_file as f on f.file_id = v.file_id;

-- Homebound episodes (thuiszitters feed), one row per episode.
create view analist.thuiszitters as
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

-- Homebound episodes per school year they were active in (tabel6 and the thuiszitter
-- KPIs): startdatum <= end(Y) and (einddatum empty or >= begin(Y)). An ongoing episode
-- is listed up to the latest school year the feed reaches (its latest start or end date).
create view analist.thuiszitters_per_schooljaar as
with bereik as (
    select max(greatest(startdatum, coalesce(einddatum, startdatum))) as laatste_datum
    from fact_thuiszitter
)
select
    jaar.schooljaar,
    t.dossier_id,
    t.persoon_id,
    t.gemeentecode,
    g.subregio,
    t.soort,
    t.startdatum,
    t.einddatum,
    date_sub('year', t.geboortedatum, greatest(t.startdatum, jaar.begin_date)) as leeftijd,
    least(coalesce(t.einddatum, jaar.end_date), jaar.end_date) > t.startdatum + interval 3 month
        as langer_dan_3_maanden,
    coalesce(t.einddatum between jaar.begin_date and jaar.end_date and t.opgelost, false) as opgelost_in_jaar,
    t.startdatum between jaar.begin_date and jaar.end_date as gestart_in_jaar,
    coalesce(t.aanbod_datum <= t.startdatum + interval 3 month, false) as aanbod_binnen_3_maanden
from fact_thuiszitter as t
cross join bereik
inner join dim_schooljaar as jaar
    on t.startdatum <= jaar.end_date
    and (t.einddatum is null or t.einddatum >= jaar.begin_date)
    and jaar.begin_date <= bereik.laatste_datum
left join dim_gemeente as g on g.gemeentecode = t.gemeentecode;

-- Doorstroompunt/RMC trajectories (rmc_trajecten feed), one row per trajectory.
create view analist.rmc_trajecten as
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

-- Trajectories per school year they were active in, with their row and column of tabel9
-- (tabel8 counts them all). An ongoing trajectory is listed up to the latest school year
-- the feed reaches.
create view analist.rmc_trajecten_per_schooljaar as
with bereik as (
    select max(greatest(startdatum, coalesce(einddatum, startdatum))) as laatste_datum
    from fact_rmc_traject
)
select
    jaar.schooljaar,
    r.traject_id,
    r.persoon_id,
    r.gemeentecode,
    g.subregio,
    r.melddatum,
    r.startdatum,
    r.einddatum,
    r.resultaat,
    r.trajectsoort,
    case
        when r.einddatum is not null and r.einddatum <= jaar.end_date then u.rij
        when r.trajectsoort = 'MONITORING' then 'monitoring'
        else 'in_traject'
    end as tabel9_rij,
    case when r.melddatum < jaar.begin_date then 'voor_verslagjaar' else 'nieuw' end as tabel9_kolom
from fact_rmc_traject as r
cross join bereik
inner join dim_schooljaar as jaar
    on r.startdatum <= jaar.end_date
    and (r.einddatum is null or r.einddatum >= jaar.begin_date)
    and jaar.begin_date <= bereik.laatste_datum
left join dim_gemeente as g on g.gemeentecode = r.gemeentecode
left join dim_rmc_resultaat as u on u.code = r.resultaat;

-- DUO/OCW's early-school-leaving figures (vsv_cijfers feed) as loaded: definitive where
-- delivered. vsv_pct as in tabel7.
create view analist.vsv_cijfers as
select
    v.schooljaar,
    v.gebied,
    v.sector,
    v.deelnemers,
    v.vsvers,
    cast(case
        when v.deelnemers = 0 then 0
        else round(((100000 * v.vsvers) // v.deelnemers) * 0.001, 2)
    end as decimal(9, 2)) as vsv_pct,
    v.status,
    f.file_name as bestand
from fact_vsv as v
left join etl_file as f on f.file_id = v.file_id;
