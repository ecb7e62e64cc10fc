// Creates services or renames them, merged on the constrained id.
UNWIND $rows AS row
MERGE (s:Service {id: row.id})
SET s.name = row.name,
    s.sector = row.sector
