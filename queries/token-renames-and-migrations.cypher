// Question: Which tokens were renamed or migrated to a successor token, on which chains, when, and which project issues the successor?
// RNDR (Ethereum) -> RENDER (Solana) is the headline case; OPTIONAL MATCH keeps successors without a recorded issuer.
MATCH (old:Token)-[r:SUCCEEDED_BY]->(new:Token)
OPTIONAL MATCH (p:Project)-[:ISSUES]->(new)
RETURN old.ticker AS old_ticker, old.chain AS old_chain, new.ticker AS new_ticker, new.chain AS new_chain, r.since AS since, p.id AS issuer
ORDER BY old_ticker, issuer
