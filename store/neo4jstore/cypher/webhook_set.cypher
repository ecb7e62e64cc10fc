// After webhook_lock: sets the endpoint's properties in $props (a null removes one).
MATCH (w:Webhook {id: $id})
SET w += $props
RETURN w
