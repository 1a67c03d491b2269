-- Reasons as codes. The quarantine stores the code of its reason in the message
-- catalogue (warehouse/tekst; in SQL the view mart.reden and the macro
-- mart.reden_tekst(code, params)) and the reason's parameters, not a sentence: a text
-- can be improved without touching the data, and the quarantine can be counted and
-- filtered by reason. It also keeps the CBS code of the row's gemeente, when the row's
-- gemeente could be read, so that a municipality can be sent its own rows. The file and
-- run ledgers keep their reason text (Dutch, as the steward read it then) and add the
-- code, and for a file its parameters.
--
-- What earlier versions stored becomes the code 'oud' with the stored sentence (BSN-masked
-- by migration 005) as its one parameter; an old quarantine row has no gemeentecode. The
-- four reasons a run could fail with were fixed Dutch texts: they get their own codes.
--
-- etl_quarantine is made again rather than altered: its reason column goes.

create table etl_quarantine_before_007 as select * from etl_quarantine;

drop table etl_quarantine;

-- Rows that broke a rule: one record per problem. Never holds a raw BSN.
create table etl_quarantine (
    file_id       bigint not null,
    feed          varchar not null,
    file_name     varchar not null,
    line          bigint not null,               -- CSV line number, XLSX sheet row or Parquet row
    sheet         varchar,                       -- XLSX only
    column_name   varchar not null,              -- '*' for a row with the wrong number of fields
    value         varchar,                       -- the offending value, BSN-masked; null for bsn
    reason_code   varchar not null,              -- a code of the catalogue (mart.reden)
    reason_params varchar[] not null,            -- its parameters, BSN-masked
    gemeentecode  varchar                        -- the row's gemeente (GM0392) when it could be read
);

insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value, reason_code, reason_params, gemeentecode)
select file_id, feed, file_name, line, sheet, column_name, value, 'oud', [reason], null
from etl_quarantine_before_007;

drop table etl_quarantine_before_007;

alter table etl_file add column reason_code varchar;
alter table etl_file add column reason_params varchar[];

update etl_file set reason_code = 'oud', reason_params = [reason] where reason is not null;

alter table etl_run add column reason_code varchar;

update etl_run set reason_code = case reason
        when 'gestopt: het proces werd gestopt tijdens de run (bijvoorbeeld de server die stopte); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run' then 'run_gestopt'
        when 'mislukt door een fout van het systeem of het warehouse (het log zegt welke); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run' then 'run_mislukt'
        when 'mislukt voordat er een bestand geladen werd (het log van de server zegt waarom, bijvoorbeeld een andere pseudoniemsleutel)' then 'run_mislukt_vooraf'
        when 'afgebroken: het proces dat deze run uitvoerde stopte onverwacht (bijvoorbeeld kill -9, een crash of stroomuitval); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run' then 'run_afgebroken'
        else 'oud' end
where reason is not null;
