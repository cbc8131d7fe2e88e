// Question: What are the milestones of AI history in date order, and where did they happen?
// Dates are strings of the form YYYY, YYYY-MM or YYYY-MM-DD, so text order is chronological order.
MATCH (e:Event)
RETURN e.start AS date, e.id AS event, e.name AS name, e.place AS place
ORDER BY date, event
