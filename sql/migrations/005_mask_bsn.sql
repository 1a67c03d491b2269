-- A BSN is never stored raw, whatever column it arrives in. Before this migration the
-- loader kept a BSN delivered in a wrong column verbatim: in the quarantine's value and
-- reason, and — in brin or an id — in the facts. The loader now masks such values and
-- refuses such ids and BRIN codes; this masks what earlier loads stored.
--
-- bsn_mask(text) is the loader's masking function (warehouse/bsnmask: 8 or 9 significant
-- digits passing the eleven test, also with dots, spaces or hyphens inside, become
-- [bsn]); the warehouse registers it before migrations run. The regular expression
-- only skips rows that cannot hold one: a nonzero digit followed by seven more digits.

update etl_run set inbox = bsn_mask(inbox)
where regexp_matches(inbox, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update etl_file set file_name = bsn_mask(file_name), reason = bsn_mask(reason)
where regexp_matches(file_name || ' ' || coalesce(reason, ''), '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update etl_quarantine
set file_name = bsn_mask(file_name), sheet = bsn_mask(sheet), value = bsn_mask(value), reason = bsn_mask(reason)
where regexp_matches(file_name || ' ' || coalesce(sheet, '') || ' ' || coalesce(value, '') || ' ' || reason,
    '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update sql_audit set query = bsn_mask(query), message = bsn_mask(message)
where regexp_matches(query || ' ' || message, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update fact_leerling set brin = bsn_mask(brin)
where regexp_matches(brin, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update fact_verzuimmelding set melding_id = bsn_mask(melding_id), brin = bsn_mask(brin)
where regexp_matches(melding_id || ' ' || coalesce(brin, ''), '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update fact_maatregel set maatregel_id = bsn_mask(maatregel_id), melding_id = bsn_mask(melding_id)
where regexp_matches(maatregel_id || ' ' || melding_id, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update fact_vrijstelling set vrijstelling_id = bsn_mask(vrijstelling_id)
where regexp_matches(vrijstelling_id, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update fact_thuiszitter set dossier_id = bsn_mask(dossier_id)
where regexp_matches(dossier_id, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');

update fact_rmc_traject set traject_id = bsn_mask(traject_id)
where regexp_matches(traject_id, '[1-9](?:[.,\-\p{Zs}]{0,3}[0-9]){7}');
