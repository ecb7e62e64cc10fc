// Creates or replaces businesses by id (import). The caller never puts one id twice in $rows.
UNWIND $rows AS row
MERGE (b:Business {id: row.id})
SET b.name = row.name,
    b.description = row.description,
    b.website = row.website,
    b.phone = row.phone,
    b.email = row.email,
    b.location = row.location,
    b.city = row.city,
    b.country = row.country,
    b.serviceRadiusKm = row.serviceRadiusKm,
    b.status = row.status,
    b.verified = row.verified,
    b.dailyLeadCap = row.dailyLeadCap,
    b.createdAt = row.createdAt
