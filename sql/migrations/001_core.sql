-- Core schema: the load ledger, quarantine, dimensions and one fact table per feed.
-- Facts carry no primary key constraint: the loader replaces rows by natural key
-- itself (delete + insert in one transaction), which keeps bulk loads fast.

-- The load ledger ----------------------------------------------------------------

create sequence etl_run_seq start 1;
create sequence etl_file_seq start 1;

-- One row per loader run (manual `etl run`, the demo, or a scheduled job).
create table etl_run (
    run_id       bigint primary key,
    job          varchar not null,          -- 'manual', 'demo' or the job name
    inbox        varchar not null,
    started_at   timestamptz not null,
    finished_at  timestamptz,
    status       varchar not null           -- running, ok, rejected (some file rejected), failed, skipped
);

-- One row per file a run looked at.
create table etl_file (
    file_id          bigint primary key,
    run_id           bigint not null,
    feed             varchar,                -- null when the file was not recognised
    file_name        varchar not null,
    sha256           varchar,
    size_bytes       bigint,
    format           varchar,                -- csv, xlsx, parquet
    status           varchar not null,       -- loaded, skipped, rejected, unrecognised
    reason           varchar,                -- why rejected / skipped
    rows_read        bigint not null default 0,
    rows_new         bigint not null default 0,
    rows_replaced    bigint not null default 0,
    rows_unchanged   bigint not null default 0,  -- vsv_cijfers: VOORLOPIG not replacing DEFINITIEF
    rows_quarantined bigint not null default 0,
    started_at       timestamptz not null,
    finished_at      timestamptz
);

-- Rows that broke a rule: one record per problem. Never holds a raw BSN.
create table etl_quarantine (
    file_id     bigint not null,
    feed        varchar not null,
    file_name   varchar not null,
    line        bigint not null,             -- CSV line number, or XLSX sheet row
    sheet       varchar,                     -- XLSX only
    column_name varchar not null,
    value       varchar,                     -- the offending value; null for bsn
    reason      varchar not null
);

-- Dimensions ----------------------------------------------------------------------

-- The region configuration, rewritten from the region file at every load.
create table dim_gemeente (
    gemeentecode        varchar primary key, -- GM0392
    naam                varchar not null,
    subregio            varchar not null,    -- zk, ijmond
    subregio_naam       varchar not null,
    leerplicht_regionaal boolean not null,
    vanaf               date,
    tot                 date
);

create table dim_schooljaar (
    schooljaar varchar primary key,          -- 2018-2019
    jaar       integer not null,             -- 2018
    begin_date date not null,                -- 1 August
    end_date   date not null,                -- 31 July
    peildatum  date not null                 -- 1 October
);
insert into dim_schooljaar
select jaar || '-' || (jaar + 1), jaar,
       make_date(jaar, 8, 1), make_date(jaar + 1, 7, 31), make_date(jaar, 10, 1)
from range(1990, 2061) r(jaar);

-- Closed code lists. `kolom`/`rij` are the keys the report tables use.
create table dim_onderwijssoort (code varchar primary key, kolom varchar not null, groep varchar not null, naam varchar not null);
insert into dim_onderwijssoort values
    ('WPO', 'wpo', 'po', 'Primair onderwijs'),
    ('WEC', 'wec', 'vso', 'Speciaal (voortgezet) onderwijs'),
    ('WVO', 'wvo', 'vo', 'Voortgezet onderwijs'),
    ('WEB', 'web', 'vo', 'Beroepsonderwijs (mbo)'),
    ('ONBEKEND', 'onbekend', 'onbekend', 'Onbekend'),
    ('GEEN', 'geen', 'geen', 'Niet ingeschreven');

create table dim_geslacht (code varchar primary key, naam varchar not null);
insert into dim_geslacht values ('M', 'Jongen'), ('V', 'Meisje'), ('X', 'Onbekend/anders');

create table dim_verzuimsoort (code varchar primary key, rij varchar not null, naam varchar not null);
insert into dim_verzuimsoort values
    ('RELATIEF', 'relatief', 'Relatief verzuim'),
    ('LUXE', 'luxe', 'Luxeverzuim'),
    ('ABSOLUUT', 'absoluut', 'Absoluut verzuim'),
    ('SIGNAAL', 'signaal', 'Signaalverzuim');

create table dim_maatregel (code varchar primary key, kolom varchar not null, naam varchar not null);
insert into dim_maatregel values
    ('GESPREK', 'gesprek', 'Gesprek'),
    ('WAARSCHUWING', 'waarschuwing', 'Waarschuwing'),
    ('DOORVERWIJZING', 'doorverwijzing', 'Doorverwijzing'),
    ('HALT', 'halt', 'Halt-verwijzing'),
    ('PV', 'pv', 'Proces-verbaal');

create table dim_afdoening (code varchar primary key, kolom varchar not null, naam varchar not null);
insert into dim_afdoening values
    ('LEERSTRAF', 'leerstraf', 'Leerstraf'),
    ('GELDBOETE', 'geldboete', 'Geldboete'),
    ('TAAKSTRAF', 'taakstraf', 'Taakstraf'),
    ('OVERIG', 'overig', 'Overig (hulpverlening of sepot)');

create table dim_artikel (code varchar primary key, rij varchar not null, naam varchar not null);
insert into dim_artikel values
    ('3A', 'art_3a_3b', 'Art. 3a: vervangende leerplicht'),
    ('3B', 'art_3a_3b', 'Art. 3b: vervangende leerplicht'),
    ('5A', 'art_5a', 'Art. 5 sub a: lichamelijke of psychische gronden'),
    ('5B', 'art_5b', 'Art. 5 sub b: richting van het onderwijs'),
    ('5C', 'art_5c', 'Art. 5 sub c: ingeschreven buitenland'),
    ('11F', 'art_11f', 'Art. 11 sub f: beroep ouders'),
    ('11G', 'art_11g', 'Art. 11 sub g: gewichtige omstandigheden'),
    ('15', 'art_15', 'Art. 15: andere vorm van onderwijs');

create table dim_thuiszitter_soort (code varchar primary key, rij varchar not null, naam varchar not null);
insert into dim_thuiszitter_soort values
    ('ABSOLUUT', 'absoluut', 'Absoluut verzuim'),
    ('LANGDURIG_RELATIEF', 'langdurig_relatief', 'Langdurig relatief verzuim');

create table dim_reden_einde (code varchar primary key, naam varchar not null);
insert into dim_reden_einde values
    ('SCHOOL', 'Terug naar school'), ('ZORG', 'Zorg- of dagbesteding'),
    ('VRIJSTELLING', 'Vrijstelling'), ('VERHUISD', 'Verhuisd'),
    ('18_JAAR', 'Niet meer leerplichtig'), ('OVERIG', 'Overig');

create table dim_rmc_resultaat (code varchar primary key, rij varchar not null, subtotaal varchar not null, naam varchar not null);
insert into dim_rmc_resultaat values
    ('SCHOLING', 'scholing', 'subtotaal_scholing', 'Scholing'),
    ('WERK_SCHOLING', 'werk_scholing', 'subtotaal_scholing', 'Werk met scholing'),
    ('STAGE_WET', 'stage_wet', 'subtotaal_scholing', 'Stage/werkervaringstraject'),
    ('OPVANG', 'opvang', 'subtotaal_scholing', 'Opvang/zorg'),
    ('WERK', 'werk', 'subtotaal_niet_scholing', 'Werk'),
    ('NIET_HERPLAATST', 'niet_herplaatst', 'subtotaal_niet_scholing', 'Niet herplaatst'),
    ('GEEN_RMC', 'geen_rmc', 'subtotaal_overig', 'Geen RMC-doelgroep'),
    ('OVERIG', 'overig', 'subtotaal_overig', 'Overig');

create table dim_trajectsoort (code varchar primary key, naam varchar not null);
insert into dim_trajectsoort values ('REGULIER', 'Regulier traject'), ('MONITORING', 'Monitoring pro/vso');

create table dim_specialisatie (code varchar primary key, naam varchar not null);
insert into dim_specialisatie values
    ('WET', 'Werkervaringstraject'), ('JOBCOACH', 'Jobcoach'), ('HUISBEZOEK', 'Huisbezoek'),
    ('JIKP', 'Jongeren in kwetsbare positie'), ('SCHULDEN', 'Schulden'),
    ('INBURGERING', 'Inburgering'), ('PWET', 'Participatiewet');

create table dim_vsv_gebied (code varchar primary key, naam varchar not null);
insert into dim_vsv_gebied values ('REGIO', 'Regio'), ('LANDELIJK', 'Landelijk');

create table dim_vsv_sector (code varchar primary key, naam varchar not null);
insert into dim_vsv_sector values ('VO', 'Voortgezet onderwijs'), ('MBO', 'Mbo'), ('VAVO', 'Vavo'), ('TOTAAL', 'Totaal');

create table dim_vsv_status (code varchar primary key, rang integer not null);
insert into dim_vsv_status values ('VOORLOPIG', 1), ('DEFINITIEF', 2);

-- Facts: one per feed. `persoon_id` is the keyed pseudonym of the BSN (hex HMAC-SHA-256).
-- `file_id` and `line` are the lineage: which load file and which line each row came from.

create table fact_leerling (
    peildatum         date not null,
    persoon_id        varchar not null,
    geboortedatum     date not null,
    geslacht          varchar not null,
    gemeentecode      varchar not null,
    onderwijssoort    varchar not null,
    brin              varchar,
    startkwalificatie boolean,
    file_id           bigint not null,
    line              bigint not null
);

create table fact_verzuimmelding (
    melding_id     varchar not null,
    persoon_id     varchar not null,
    geboortedatum  date not null,
    gemeentecode   varchar not null,
    onderwijssoort varchar not null,
    verzuimsoort   varchar not null,
    meldingsdatum  date not null,
    startdatum     date,
    uren           decimal(10, 2),
    brin           varchar,
    file_id        bigint not null,
    line           bigint not null
);

create table fact_maatregel (
    maatregel_id varchar not null,
    melding_id   varchar not null,
    datum        date not null,
    maatregel    varchar not null,
    afdoening    varchar,
    file_id      bigint not null,
    line         bigint not null
);

create table fact_vrijstelling (
    vrijstelling_id varchar not null,
    persoon_id      varchar not null,
    geboortedatum   date not null,
    gemeentecode    varchar not null,
    artikel         varchar not null,
    besluitdatum    date not null,
    ingangsdatum    date,
    einddatum       date,
    file_id         bigint not null,
    line            bigint not null
);

create table fact_thuiszitter (
    dossier_id    varchar not null,
    persoon_id    varchar not null,
    geboortedatum date not null,
    gemeentecode  varchar not null,
    soort         varchar not null,
    startdatum    date not null,
    einddatum     date,
    aanbod_datum  date,
    opgelost      boolean,
    reden_einde   varchar,
    file_id       bigint not null,
    line          bigint not null
);

create table fact_rmc_traject (
    traject_id    varchar not null,
    persoon_id    varchar not null,
    geboortedatum date not null,
    gemeentecode  varchar not null,
    melddatum     date not null,
    startdatum    date not null,
    einddatum     date,
    resultaat     varchar,
    trajectsoort  varchar not null,          -- REGULIER when not delivered
    specialisatie varchar,
    file_id       bigint not null,
    line          bigint not null
);

create table fact_vsv (
    schooljaar varchar not null,
    gebied     varchar not null,
    sector     varchar not null,
    deelnemers bigint not null,
    vsvers     bigint not null,
    status     varchar not null,
    file_id    bigint not null,
    line       bigint not null
);

-- Facts about the warehouse itself, e.g. the fingerprint of the pseudonym key (never the key).
create table etl_meta (
    name  varchar primary key,
    value varchar not null
);
