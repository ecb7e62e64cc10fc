UNWIND $ids AS x
MATCH (o:Offer {id: x})
RETURN o
