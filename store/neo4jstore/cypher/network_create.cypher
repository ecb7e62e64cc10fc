// Creates a network. A taken id fails on the Network.id uniqueness constraint.
CREATE (:Network {
  id: $id,
  name: $name,
  region: $region,
  visibility: $visibility,
  createdAt: $createdAt
})
