// The endpoint with the id.
MATCH (w:Webhook {id: $id})
RETURN w
