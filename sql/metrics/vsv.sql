-- KPIs vsv_nieuw, vsv_pct_vo and vsv_pct_mbo — new early school leavers, from the
-- DUO/OCW figures (vsv_cijfers). These figures are regional: they carry no gemeente,
-- so these KPIs take no sub-region or gemeente filter.
--
-- The rows of jaarverslag tabel7 (sql/marts/16_vsv.sql), for every school year at once:
-- delivered per gebied (REGIO, LANDELIJK) and sector (VO, MBO, VAVO, TOTAAL), a gebied's
-- TOTAAL computed from its sectors when none was delivered.
-- vsv_nieuw = vsvers of (REGIO, TOTAAL): tabel7 totaal_regio/vsvers; its target is at
-- most 500 and 10% below 2016-2017.
-- vsv_pct_vo / vsv_pct_mbo = 100 · vsvers / deelnemers of (REGIO, VO) / (REGIO, MBO),
-- rounded half away from zero to 2 decimals (tabel7 vo_regio/vsv_pct); the target is the
-- same percentage of (LANDELIJK, VO) / (LANDELIJK, MBO) in the same year. The API
-- rounds exactly as tabel7 does (integer arithmetic, not floating point).
--
-- No parameters: every school year at once.
select
    schooljaar,
    gebied,
    sector,
    deelnemers,
    vsvers,
    status
from mart.vsv
order by schooljaar, gebied, sector
