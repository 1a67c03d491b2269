-- Jaarverslag tabel3 — unauthorised absence reports (verzuimmeldingen).
--
-- Counting rule (definitions.md, tabel3):
--   * every report whose meldingsdatum lies in the school year, 1 August JJJJ to
--     31 July JJJJ+1 inclusive; SIGNAAL reports are never counted;
--   * age = whole years lived on the meldingsdatum (date_sub, not date_diff);
--   * rows `relatief`, `luxe`, `absoluut`: that verzuimsoort, age under 18, every
--     sub-region;
--   * rows `relatief_18plus_<subregio>`: RELATIEF at age 18 to 22, by the sub-region of
--     the gemeente of residence;
--   * any other combination (LUXE or ABSOLUUT at 18+, any report at 23+) is not in the
--     table;
--   * columns by onderwijssoort of origin (wpo, wec, wvo, web, onbekend, geen).
-- Reports are counted, not persons. Only youths living in a gemeente of the region
-- configuration (dim_gemeente) count. The `totaal` row and column are sums, added by
-- the report layout.
--
-- Parameter: $schooljaar, e.g. '2018-2019'.
with jaar as (
    select schooljaar, begin_date, end_date
    from dim_schooljaar
    where schooljaar = $schooljaar
),

meldingen as (
    select
        m.verzuimsoort,
        m.onderwijssoort,
        g.subregio,
        date_sub('year', m.geboortedatum, m.meldingsdatum) as leeftijd
    from fact_verzuimmelding as m
    inner join jaar on m.meldingsdatum between jaar.begin_date and jaar.end_date
    inner join dim_gemeente as g on g.gemeentecode = m.gemeentecode
    where m.verzuimsoort <> 'SIGNAAL'
),

ingedeeld as (
    select
        case
            when leeftijd < 18 then s.rij
            when m.verzuimsoort = 'RELATIEF' and leeftijd between 18 and 22
                then 'relatief_18plus_' || m.subregio
        end as rij,
        m.onderwijssoort
    from meldingen as m
    inner join dim_verzuimsoort as s on s.code = m.verzuimsoort
)

select
    'tabel3' as tabel,
    i.rij,
    o.kolom,
    count(*) as waarde
from ingedeeld as i
inner join dim_onderwijssoort as o on o.code = i.onderwijssoort
where i.rij is not null
group by i.rij, o.kolom
