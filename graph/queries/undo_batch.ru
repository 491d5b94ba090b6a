# undo_batch — Remove a batch: its named graph, its PROV record and every node of the metadata
# graph whose IRI is a fragment of the batch's (its flags).
# param batch: IRI of the batch
# param graph: IRI of the batch's named graph
# param meta: IRI of the metadata graph
DELETE { GRAPH ?g { ?s ?p ?o } }
WHERE {
  { GRAPH ?graph { ?s ?p ?o } BIND(?graph AS ?g) }
  UNION
  { GRAPH ?meta { ?s ?p ?o } BIND(?meta AS ?g) }
  FILTER(?g = ?graph || ?s = ?batch || ?s = ?graph || STRSTARTS(STR(?s), CONCAT(STR(?batch), "#")))
}
