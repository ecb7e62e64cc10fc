// Creates a business. A taken id fails on the Business.id uniqueness constraint.
CREATE (b:Business {
  id: $id,
  name: $name,
  description: $description,
  website: $website,
  phone: $phone,
  email: $email,
  location: $location,
  city: $city,
  country: $country,
  serviceRadiusKm: $serviceRadiusKm,
  status: $status,
  verified: $verified,
  dailyLeadCap: $dailyLeadCap,
  createdAt: $createdAt
})
