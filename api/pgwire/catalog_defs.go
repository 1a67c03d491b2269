package pgwire

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The emulated catalogue. A statement that names a pg_catalog or information_schema
// relation gets it as a CTE (catalog.go), built from the sandbox's own catalogue
// (duckdb_tables(), duckdb_columns()) of the analyst snapshot: the analyst views, in
// schema analist, with PostgreSQL's type OIDs; what PostgreSQL has and the sandbox has
// not (indexes, constraints, triggers) are empty relations with PostgreSQL's columns.
// The sandbox runs the result like any query, with its checks, limits and audit.

// pgTypes are the types the emulated pg_type lists: PostgreSQL's OIDs and names.
var pgTypes = []struct {
	oid      int
	name     string
	len      int
	category string
	elem     int // element type of an array type
	array    int // its array type
	typ      string
}{
	{16, "bool", 1, "B", 0, 1000, "b"}, {17, "bytea", -1, "U", 0, 1001, "b"}, {18, "char", 1, "S", 0, 1002, "b"},
	{19, "name", 64, "S", 0, 1003, "b"}, {20, "int8", 8, "N", 0, 1016, "b"}, {21, "int2", 2, "N", 0, 1005, "b"},
	{23, "int4", 4, "N", 0, 1007, "b"}, {24, "regproc", 4, "N", 0, 1008, "b"}, {25, "text", -1, "S", 0, 1009, "b"},
	{26, "oid", 4, "N", 0, 1028, "b"}, {114, "json", -1, "U", 0, 199, "b"}, {700, "float4", 4, "N", 0, 1021, "b"},
	{701, "float8", 8, "N", 0, 1022, "b"}, {705, "unknown", -2, "X", 0, 0, "p"}, {1042, "bpchar", -1, "S", 0, 1014, "b"},
	{1043, "varchar", -1, "S", 0, 1015, "b"}, {1082, "date", 4, "D", 0, 1182, "b"}, {1083, "time", 8, "D", 0, 1183, "b"},
	{1114, "timestamp", 8, "D", 0, 1115, "b"}, {1184, "timestamptz", 8, "D", 0, 1185, "b"},
	{1186, "interval", 16, "T", 0, 1187, "b"}, {1700, "numeric", -1, "N", 0, 1231, "b"}, {2950, "uuid", 16, "U", 0, 2951, "b"},
	{2249, "record", -1, "P", 0, 2287, "p"}, {2278, "void", 4, "P", 0, 0, "p"}, {2205, "regclass", 4, "N", 0, 2210, "b"},
	{2206, "regtype", 4, "N", 0, 2211, "b"},
	{1000, "_bool", -1, "A", 16, 0, "b"}, {1001, "_bytea", -1, "A", 17, 0, "b"}, {1005, "_int2", -1, "A", 21, 0, "b"},
	{1007, "_int4", -1, "A", 23, 0, "b"}, {1009, "_text", -1, "A", 25, 0, "b"}, {1015, "_varchar", -1, "A", 1043, 0, "b"},
	{1016, "_int8", -1, "A", 20, 0, "b"}, {1021, "_float4", -1, "A", 700, 0, "b"}, {1022, "_float8", -1, "A", 701, 0, "b"},
	{1182, "_date", -1, "A", 1082, 0, "b"}, {1115, "_timestamp", -1, "A", 1114, 0, "b"}, {1185, "_timestamptz", -1, "A", 1184, 0, "b"},
	{1231, "_numeric", -1, "A", 1700, 0, "b"}, {2951, "_uuid", -1, "A", 2950, 0, "b"}, {1028, "_oid", -1, "A", 26, 0, "b"},
	{1003, "_name", -1, "A", 19, 0, "b"}, {1002, "_char", -1, "A", 18, 0, "b"},
}

// arrayRecvOID is pg_proc's array_recv: clients tell array types by their typreceive.
const arrayRecvOID = 2400

// duckColumnType maps duckdb_columns().data_type to PostgreSQL's type: its OID, its
// pg_type name and its SQL name (information_schema.columns.data_type). Kept in step
// with pgTypeOf, which types the results.
func duckColumnType(expr, what string) string {
	cases := []struct{ match, oid, udt, sql string }{
		{"= 'BOOLEAN'", "16", "bool", "boolean"},
		{"in ('TINYINT', 'SMALLINT', 'UTINYINT')", "21", "int2", "smallint"},
		{"in ('INTEGER', 'USMALLINT')", "23", "int4", "integer"},
		{"in ('BIGINT', 'UINTEGER')", "20", "int8", "bigint"},
		{"= 'FLOAT'", "700", "float4", "real"},
		{"= 'DOUBLE'", "701", "float8", "double precision"},
		{"= 'DATE'", "1082", "date", "date"},
		{"= 'TIME'", "1083", "time", "time without time zone"},
		{"in ('TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS')", "1114", "timestamp", "timestamp without time zone"},
		{"= 'TIMESTAMP WITH TIME ZONE'", "1184", "timestamptz", "timestamp with time zone"},
		{"= 'INTERVAL'", "1186", "interval", "interval"},
		{"= 'BLOB'", "17", "bytea", "bytea"},
		{"= 'UUID'", "2950", "uuid", "uuid"},
		{"= 'JSON'", "114", "json", "json"},
		{"like 'DECIMAL%' or " + expr + " in ('HUGEINT', 'UBIGINT', 'UHUGEINT')", "1700", "numeric", "numeric"},
	}
	var b strings.Builder
	b.WriteString("case")
	for _, c := range cases {
		v := map[string]string{"oid": c.oid, "udt": "'" + c.udt + "'", "sql": "'" + c.sql + "'"}[what]
		fmt.Fprintf(&b, " when %s %s then %s", expr, c.match, v)
	}
	fallback := map[string]string{"oid": "25", "udt": "'text'", "sql": "'text'"}[what]
	fmt.Fprintf(&b, " else %s end", fallback)
	return b.String()
}

// analistNamespace is the OID of schema analist: the snapshot's main schema.
const analistNamespace = `(select oid from duckdb_schemas() where database_name = current_database() and schema_name = 'main')`

// ourTables are the snapshot's tables (the analyst views) and views.
const ourTables = `(select table_oid as oid, table_name as name, 'r' as kind, column_count, estimated_size from duckdb_tables() where database_name = current_database()
	union all select view_oid, view_name, 'v', column_count, 0 from duckdb_views() where database_name = current_database() and not internal)`

// empty is an empty relation with the given columns (name type, …).
func empty(cols string) string {
	var names, vals []string
	for _, c := range strings.Split(cols, ",") {
		f := strings.Fields(c)
		names = append(names, f[0])
		vals = append(vals, "null::"+f[1])
	}
	return "select * from (values (" + strings.Join(vals, ", ") + ")) v(" + strings.Join(names, ", ") + ") where false"
}

// values is a relation of literal rows.
func values(names string, rows [][]string) string {
	var rs []string
	for _, r := range rows {
		rs = append(rs, "("+strings.Join(r, ", ")+")")
	}
	return "select * from (values " + strings.Join(rs, ", ") + ") v(" + names + ")"
}

func lit(s string) string { return quoteLiteral(s) }

// catalogRelations are the emulated relations by the name a statement uses
// (pg_catalog's without schema, information_schema's as information_schema.x); deps
// are the relations a definition uses.
type catalogRelation struct {
	def  func(id Identity) string
	deps []string
}

var catalogRelations = buildCatalogRelations()

func buildCatalogRelations() map[string]catalogRelation {
	fixed := func(s string, deps ...string) catalogRelation {
		return catalogRelation{def: func(Identity) string { return s }, deps: deps}
	}
	var typeRows [][]string
	for _, t := range pgTypes {
		recv := "0"
		if t.category == "A" {
			recv = fmt.Sprint(arrayRecvOID)
		}
		typeRows = append(typeRows, []string{fmt.Sprint(t.oid) + "::bigint", lit(t.name), "11::bigint", "10::bigint", fmt.Sprint(t.len),
			fmt.Sprint(t.len > 0 && t.len <= 8), lit(t.typ), lit(t.category), "false", "true", "','", "0::bigint",
			fmt.Sprint(t.elem) + "::bigint", fmt.Sprint(t.array) + "::bigint", lit(t.name + "in"), lit(t.name + "out"),
			recv + "::bigint", "0::bigint", "'i'", "'p'", "false", "0::bigint", "-1", "0", "0::bigint", "null::varchar", "null::varchar", "null::varchar"})
	}
	m := map[string]catalogRelation{
		"pg_namespace": fixed(`select oid::bigint as oid, nspname::varchar as nspname, 10::bigint as nspowner, null::varchar[] as nspacl
			from (values (11, 'pg_catalog'), (13, 'information_schema')) v(oid, nspname)
			union all select ` + analistNamespace + `, '` + Schema + `', 10, null`),
		"pg_class": fixed(`select t.oid::bigint as oid, t.name as relname, ` + analistNamespace + ` as relnamespace, t.kind as relkind,
			10::bigint as relowner, (case when t.kind = 'r' then 2 else 0 end)::bigint as relam, 0::bigint as reltablespace,
			t.estimated_size::float as reltuples, 0 as relpages, false as relhasindex, false as relisshared, 'p' as relpersistence,
			t.column_count::smallint as relnatts, 0::smallint as relchecks, false as relhasrules, false as relhastriggers,
			false as relhassubclass, false as relrowsecurity, false as relforcerowsecurity, true as relispopulated,
			'd' as relreplident, false as relispartition, null::varchar[] as reloptions, null::varchar[] as relacl,
			0::bigint as reltype, 0::bigint as reloftype, 0::bigint as reltoastrelid, null::varchar as relpartbound,
			0::bigint as relfrozenxid, false as relhasoids, 0::bigint as relfilenode, 0 as relallvisible, 0::bigint as relrewrite
			from ` + ourTables + ` t`),
		"pg_attribute": fixed(`select c.table_oid::bigint as attrelid, c.column_name as attname,
			(` + duckColumnType("c.data_type", "oid") + `)::bigint as atttypid,
			c.column_index::smallint as attnum, -1::smallint as attlen,
			(case when c.data_type like 'DECIMAL%' then c.numeric_precision * 65536 + c.numeric_scale + 4 else -1 end)::integer as atttypmod,
			not c.is_nullable as attnotnull, c.column_default is not null as atthasdef, false as attisdropped,
			'' as attidentity, '' as attgenerated, 0::smallint as attndims, 0::bigint as attcollation, true as attislocal,
			0 as attinhcount, null::varchar[] as attacl, null::varchar[] as attoptions, null::varchar[] as attfdwoptions,
			-1 as attstattarget, false as atthasmissing, 'p' as attstorage, 'i' as attalign, false as attbyval, '' as attcompression
			from duckdb_columns() c where c.database_name = current_database()`),
		"pg_type": fixed(values(`oid, typname, typnamespace, typowner, typlen, typbyval, typtype, typcategory, typispreferred,
			typisdefined, typdelim, typrelid, typelem, typarray, typinput, typoutput, typreceive, typsend, typalign, typstorage,
			typnotnull, typbasetype, typtypmod, typndims, typcollation, typdefault, typdefaultbin, typacl`, typeRows)),
		"pg_proc": fixed(`select oid::bigint as oid, proname::varchar as proname, 11::bigint as pronamespace, 10::bigint as proowner,
			'f' as prokind, false as proretset, 0::bigint as prorettype, '' as proargtypes, null::varchar as proargnames,
			false as proisstrict, 'internal' as prolang, '' as prosrc, 0 as pronargs
			from (values (` + fmt.Sprint(arrayRecvOID) + `, 'array_recv')) v(oid, proname)`),
		"pg_range": fixed(empty("rngtypid bigint, rngsubtype bigint, rngmultitypid bigint, rngcollation bigint, rngsubopc bigint, rngcanonical varchar, rngsubdiff varchar")),
		"pg_am":    fixed(`select 2::bigint as oid, 'heap' as amname, 'heap_tableam_handler' as amhandler, 't' as amtype`),
		"pg_database": catalogRelation{def: func(id Identity) string {
			return `select 16384::bigint as oid, '` + Database + `' as datname, 10::bigint as datdba, 6 as encoding, 'c' as datlocprovider,
			false as datistemplate, true as datallowconn, -1 as datconnlimit, 0::bigint as datfrozenxid, 1663::bigint as dattablespace,
			'C.UTF-8' as datcollate, 'C.UTF-8' as datctype, null::varchar as daticulocale, null::varchar[] as datacl, 0::bigint as datlastsysoid`
		}},
		"pg_roles": catalogRelation{def: func(id Identity) string {
			return `select 10::bigint as oid, ` + lit(id.Name) + ` as rolname, false as rolsuper, true as rolinherit, false as rolcreaterole,
			false as rolcreatedb, true as rolcanlogin, false as rolreplication, -1 as rolconnlimit, '********' as rolpassword,
			null::timestamptz as rolvaliduntil, false as rolbypassrls, null::varchar[] as rolconfig`
		}},
		"pg_user": catalogRelation{def: func(id Identity) string {
			return `select ` + lit(id.Name) + ` as usename, 10::bigint as usesysid, false as usecreatedb, false as usesuper,
			false as userepl, false as usebypassrls, '********' as passwd, null::timestamptz as valuntil, null::varchar[] as useconfig`
		}},
		"pg_settings": fixed(settingsRelation()),
		"pg_description": fixed(`select c.table_oid::bigint as objoid, 1259::bigint as classoid, c.column_index::integer as objsubid, d.description
			from duckdb_columns() c join (` + descriptionValues() + `) d on d.tbl = c.table_name and d.col = c.column_name
			where c.database_name = current_database()
			union all select t.table_oid, 1259, 0, d.description from duckdb_tables() t join (` + descriptionValues() + `) d
			on d.tbl = t.table_name and d.col = '' where t.database_name = current_database()`),
		"pg_tablespace": fixed(`select 1663::bigint as oid, 'pg_default' as spcname, 10::bigint as spcowner, null::varchar as spcacl, null::varchar[] as spcoptions`),
		"pg_encoding":   fixed(`select 6 as encoding, 'UTF8' as name`),
		"pg_extension":  fixed(empty("oid bigint, extname varchar, extowner bigint, extnamespace bigint, extrelocatable boolean, extversion varchar, extconfig bigint[], extcondition varchar[]")),
		"pg_index": fixed(empty(`indexrelid bigint, indrelid bigint, indnatts smallint, indnkeyatts smallint, indisunique boolean,
			indisprimary boolean, indisexclusion boolean, indimmediate boolean, indisclustered boolean, indisvalid boolean,
			indcheckxmin boolean, indisready boolean, indislive boolean, indisreplident boolean, indkey smallint[], indcollation bigint[],
			indclass bigint[], indoption smallint[], indexprs varchar, indpred varchar, indnullsnotdistinct boolean`)),
		"pg_constraint": fixed(empty(`oid bigint, conname varchar, connamespace bigint, contype varchar, condeferrable boolean,
			condeferred boolean, convalidated boolean, conrelid bigint, contypid bigint, conindid bigint, conparentid bigint,
			confrelid bigint, confupdtype varchar, confdeltype varchar, confmatchtype varchar, conislocal boolean, coninhcount integer,
			connoinherit boolean, conkey smallint[], confkey smallint[], conpfeqop bigint[], conppeqop bigint[], conffeqop bigint[],
			conexclop bigint[], conbin varchar`)),
		"pg_inherits":              fixed(empty("inhrelid bigint, inhparent bigint, inhseqno integer, inhdetachpending boolean")),
		"pg_trigger":               fixed(empty("oid bigint, tgrelid bigint, tgparentid bigint, tgname varchar, tgfoid bigint, tgtype integer, tgenabled varchar, tgisinternal boolean, tgconstrrelid bigint, tgconstrindid bigint, tgconstraint bigint, tgdeferrable boolean, tginitdeferred boolean, tgnargs integer, tgattr smallint[], tgargs varchar, tgqual varchar, tgoldtable varchar, tgnewtable varchar")),
		"pg_rewrite":               fixed(empty("oid bigint, rulename varchar, ev_class bigint, ev_type varchar, ev_enabled varchar, is_instead boolean, ev_qual varchar, ev_action varchar")),
		"pg_policy":                fixed(empty("oid bigint, polname varchar, polrelid bigint, polcmd varchar, polpermissive boolean, polroles bigint[], polqual varchar, polwithcheck varchar")),
		"pg_statistic_ext":         fixed(empty("oid bigint, stxrelid bigint, stxname varchar, stxnamespace bigint, stxowner bigint, stxstattarget integer, stxkeys smallint[], stxkind varchar[], stxexprs varchar")),
		"pg_publication":           fixed(empty("oid bigint, pubname varchar, pubowner bigint, puballtables boolean, pubinsert boolean, pubupdate boolean, pubdelete boolean, pubtruncate boolean, pubviaroot boolean")),
		"pg_publication_rel":       fixed(empty("oid bigint, prpubid bigint, prrelid bigint, prqual varchar, prattrs smallint[]")),
		"pg_publication_namespace": fixed(empty("oid bigint, pnpubid bigint, pnnspid bigint")),
		"pg_partitioned_table":     fixed(empty("partrelid bigint, partstrat varchar, partnatts smallint, partdefid bigint, partattrs smallint[], partclass bigint[], partcollation bigint[], partexprs varchar")),
		"pg_foreign_table":         fixed(empty("ftrelid bigint, ftserver bigint, ftoptions varchar[]")),
		"pg_attrdef":               fixed(empty("oid bigint, adrelid bigint, adnum smallint, adbin varchar")),
		"pg_depend":                fixed(empty("classid bigint, objid bigint, objsubid integer, refclassid bigint, refobjid bigint, refobjsubid integer, deptype varchar")),
		"pg_enum":                  fixed(empty("oid bigint, enumtypid bigint, enumsortorder float, enumlabel varchar")),
		"pg_collation":             fixed(empty("oid bigint, collname varchar, collnamespace bigint, collowner bigint, collprovider varchar, collisdeterministic boolean, collencoding integer, collcollate varchar, collctype varchar")),
		"pg_sequence":              fixed(empty("seqrelid bigint, seqtypid bigint, seqstart bigint, seqincrement bigint, seqmax bigint, seqmin bigint, seqcache bigint, seqcycle boolean")),
		"pg_event_trigger":         fixed(empty("oid bigint, evtname varchar, evtevent varchar, evtowner bigint, evtfoid bigint, evtenabled varchar, evttags varchar")),
		"pg_stat_activity":         fixed(empty("datid bigint, datname varchar, pid integer, usename varchar, application_name varchar, client_addr varchar, backend_start timestamptz, state varchar, query varchar")),
		"pg_matviews":              fixed(empty("schemaname varchar, matviewname varchar, matviewowner varchar, tablespace varchar, hasindexes boolean, ispopulated boolean, definition varchar")),
		"pg_views":                 fixed(`select '` + Schema + `' as schemaname, t.name as viewname, 'leerplein' as viewowner, null::varchar as definition from ` + ourTables + ` t where t.kind = 'v'`),
		"pg_tables": fixed(`select '` + Schema + `' as schemaname, t.name as tablename, 'leerplein' as tableowner, null::varchar as tablespace,
			false as hasindexes, false as hasrules, false as hastriggers, false as rowsecurity from ` + ourTables + ` t where t.kind = 'r'`),
		"pg_stat_user_tables":     fixed(`select t.oid::bigint as relid, '` + Schema + `' as schemaname, t.name as relname, t.estimated_size::bigint as n_live_tup from ` + ourTables + ` t where t.kind = 'r'`),
		"pg_opclass":              fixed(empty("oid bigint, opcmethod bigint, opcname varchar, opcnamespace bigint, opcdefault boolean, opcintype bigint")),
		"pg_operator":             fixed(empty("oid bigint, oprname varchar, oprnamespace bigint, oprleft bigint, oprright bigint, oprresult bigint, oprcode varchar")),
		"pg_language":             fixed(`select 12::bigint as oid, 'internal' as lanname, 10::bigint as lanowner, false as lanispl, false as lanpltrusted`),
		"pg_auth_members":         fixed(empty("oid bigint, roleid bigint, member bigint, grantor bigint, admin_option boolean")),
		"pg_shdescription":        fixed(empty("objoid bigint, classoid bigint, description varchar")),
		"pg_cast":                 fixed(empty("oid bigint, castsource bigint, casttarget bigint, castfunc bigint, castcontext varchar, castmethod varchar")),
		"pg_aggregate":            fixed(empty("aggfnoid bigint, aggkind varchar, aggnumdirectargs smallint, aggtransfn varchar, aggfinalfn varchar")),
		"pg_foreign_server":       fixed(empty("oid bigint, srvname varchar, srvowner bigint, srvfdw bigint, srvtype varchar, srvversion varchar, srvacl varchar, srvoptions varchar")),
		"pg_foreign_data_wrapper": fixed(empty("oid bigint, fdwname varchar, fdwowner bigint, fdwhandler bigint, fdwvalidator bigint, fdwacl varchar, fdwoptions varchar")),
		"pg_user_mappings":        fixed(empty("umid bigint, srvid bigint, srvname varchar, umuser bigint, usename varchar, umoptions varchar")),
		"pg_locks":                fixed(empty("locktype varchar, database bigint, relation bigint, pid integer, mode varchar, granted boolean")),
		"pg_prepared_xacts":       fixed(empty("transaction bigint, gid varchar, prepared timestamptz, owner varchar, database varchar")),
		"pg_timezone_names":       fixed(`select 'UTC' as name, 'UTC' as abbrev, interval 0 seconds as utc_offset, false as is_dst`),

		"information_schema.schemata": fixed(`select '`+Database+`' as catalog_name, nspname as schema_name, 'leerplein' as schema_owner,
			null::varchar as default_character_set_catalog, null::varchar as default_character_set_schema,
			null::varchar as default_character_set_name, null::varchar as sql_path from pgw_pg_namespace`, "pg_namespace"),
		"information_schema.tables": fixed(`select '` + Database + `' as table_catalog, '` + Schema + `' as table_schema, t.name as table_name,
			case t.kind when 'v' then 'VIEW' else 'BASE TABLE' end as table_type, null::varchar as self_referencing_column_name,
			null::varchar as reference_generation, null::varchar as user_defined_type_catalog, null::varchar as user_defined_type_schema,
			null::varchar as user_defined_type_name, 'NO' as is_insertable_into, 'NO' as is_typed, null::varchar as commit_action
			from ` + ourTables + ` t`),
		"information_schema.views": fixed(`select '` + Database + `' as table_catalog, '` + Schema + `' as table_schema, t.name as table_name,
			null::varchar as view_definition, 'NONE' as check_option, 'NO' as is_updatable, 'NO' as is_insertable_into,
			'NO' as is_trigger_updatable, 'NO' as is_trigger_deletable, 'NO' as is_trigger_insertable_into
			from ` + ourTables + ` t where t.kind = 'v'`),
		"information_schema.columns": fixed(`select '` + Database + `' as table_catalog, '` + Schema + `' as table_schema, c.table_name,
			c.column_name, c.column_index as ordinal_position, c.column_default, case when c.is_nullable then 'YES' else 'NO' end as is_nullable,
			(` + duckColumnType("c.data_type", "sql") + `) as data_type, null::integer as character_maximum_length,
			null::integer as character_octet_length, c.numeric_precision, c.numeric_precision_radix, c.numeric_scale,
			null::integer as datetime_precision, null::varchar as interval_type, null::integer as interval_precision,
			null::varchar as character_set_catalog, null::varchar as character_set_schema, null::varchar as character_set_name,
			null::varchar as collation_catalog, null::varchar as collation_schema, null::varchar as collation_name,
			null::varchar as domain_catalog, null::varchar as domain_schema, null::varchar as domain_name,
			'` + Database + `' as udt_catalog, 'pg_catalog' as udt_schema, (` + duckColumnType("c.data_type", "udt") + `) as udt_name,
			null::varchar as scope_catalog, null::varchar as scope_schema, null::varchar as scope_name,
			null::integer as maximum_cardinality, c.column_index::varchar as dtd_identifier, 'NO' as is_self_referencing,
			'NO' as is_identity, null::varchar as identity_generation, null::varchar as identity_start, null::varchar as identity_increment,
			null::varchar as identity_maximum, null::varchar as identity_minimum, null::varchar as identity_cycle,
			'NEVER' as is_generated, null::varchar as generation_expression, 'NO' as is_updatable
			from duckdb_columns() c where c.database_name = current_database()`),
		"information_schema.table_constraints":       fixed(empty("constraint_catalog varchar, constraint_schema varchar, constraint_name varchar, table_catalog varchar, table_schema varchar, table_name varchar, constraint_type varchar, is_deferrable varchar, initially_deferred varchar, enforced varchar, nulls_distinct varchar")),
		"information_schema.key_column_usage":        fixed(empty("constraint_catalog varchar, constraint_schema varchar, constraint_name varchar, table_catalog varchar, table_schema varchar, table_name varchar, column_name varchar, ordinal_position integer, position_in_unique_constraint integer")),
		"information_schema.referential_constraints": fixed(empty("constraint_catalog varchar, constraint_schema varchar, constraint_name varchar, unique_constraint_catalog varchar, unique_constraint_schema varchar, unique_constraint_name varchar, match_option varchar, update_rule varchar, delete_rule varchar")),
		"information_schema.routines":                fixed(empty("specific_catalog varchar, specific_schema varchar, specific_name varchar, routine_catalog varchar, routine_schema varchar, routine_name varchar, routine_type varchar, data_type varchar, type_udt_name varchar, routine_definition varchar, external_language varchar")),
		"information_schema.parameters":              fixed(empty("specific_catalog varchar, specific_schema varchar, specific_name varchar, ordinal_position integer, parameter_mode varchar, parameter_name varchar, data_type varchar, udt_name varchar")),
		"information_schema.triggers":                fixed(empty("trigger_catalog varchar, trigger_schema varchar, trigger_name varchar, event_manipulation varchar, event_object_catalog varchar, event_object_schema varchar, event_object_table varchar, action_statement varchar")),
		"information_schema.sequences":               fixed(empty("sequence_catalog varchar, sequence_schema varchar, sequence_name varchar, data_type varchar")),
		"information_schema.check_constraints":       fixed(empty("constraint_catalog varchar, constraint_schema varchar, constraint_name varchar, check_clause varchar")),
		"information_schema.constraint_column_usage": fixed(empty("table_catalog varchar, table_schema varchar, table_name varchar, column_name varchar, constraint_catalog varchar, constraint_schema varchar, constraint_name varchar")),
		"information_schema.character_sets":          fixed(`select null::varchar as character_set_catalog, null::varchar as character_set_schema, 'UTF8' as character_set_name, 'UCS' as character_repertoire, 'UTF8' as form_of_use, '` + Database + `' as default_collate_catalog, 'pg_catalog' as default_collate_schema, 'C.UTF-8' as default_collate_name`),
		"information_schema.enabled_roles":           catalogRelation{def: func(id Identity) string { return `select ` + lit(id.Name) + ` as role_name` }},
		"information_schema.applicable_roles":        fixed(empty("grantee varchar, role_name varchar, is_grantable varchar")),
		"information_schema.role_table_grants":       fixed(empty("grantor varchar, grantee varchar, table_catalog varchar, table_schema varchar, table_name varchar, privilege_type varchar, is_grantable varchar, with_hierarchy varchar")),
		"information_schema.table_privileges":        fixed(empty("grantor varchar, grantee varchar, table_catalog varchar, table_schema varchar, table_name varchar, privilege_type varchar, is_grantable varchar, with_hierarchy varchar")),
	}
	m["pg_authid"] = m["pg_roles"]
	m["pg_shadow"] = m["pg_user"]
	return m
}

// settingsRelation is pg_settings: the parameters SHOW knows.
func settingsRelation() string {
	names := make([]string, 0, len(showParams))
	for n := range showParams {
		names = append(names, n)
	}
	sort.Strings(names)
	var rows [][]string
	for _, n := range names {
		rows = append(rows, []string{lit(n), lit(showParams[n]), "null::varchar", "'Leerplein'", "''", "'user'", "'string'", "'default'",
			"null::varchar", "null::varchar", "null::varchar", lit(showParams[n]), lit(showParams[n]), "false"})
	}
	return values("name, setting, unit, category, short_desc, context, vartype, source, min_val, max_val, enumvals, boot_val, reset_val, pending_restart", rows)
}

// descriptionValues are the analyst views' Dutch descriptions (col ” for a view).
func descriptionValues() string {
	var rows [][]string
	for _, v := range warehouse.AnalistSchema() {
		rows = append(rows, []string{lit(v.Name), "''", lit(v.DescriptionNL)})
		for _, c := range v.Columns {
			rows = append(rows, []string{lit(v.Name), lit(c.Name), lit(c.DescriptionNL)})
		}
	}
	return values("tbl, col, description", rows)
}
