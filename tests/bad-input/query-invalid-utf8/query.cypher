MATCH (n) WHERE n.name = "ÿþ" RETURN n.id
