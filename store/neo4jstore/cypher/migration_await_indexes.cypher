// Waits until every index is online, so that the first query after Open can use them.
CALL db.awaitIndexes($timeoutSeconds)
