// Overwrites the mutable properties of a business (id and createdAt stay).
MATCH (b:Business {id: $id})
SET b.name = $name,
    b.description = $description,
    b.website = $website,
    b.phone = $phone,
    b.email = $email,
    b.location = $location,
    b.city = $city,
    b.country = $country,
    b.serviceRadiusKm = $serviceRadiusKm,
    b.status = $status,
    b.verified = $verified,
    b.dailyLeadCap = $dailyLeadCap
