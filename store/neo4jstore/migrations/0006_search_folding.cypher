// The full-text index folds accents, as the SQLite store's does (unicode61 remove_diacritics):
// "cafe" finds "Café". An index's analyzer cannot be changed, so the index is made again. The
// search drops the analyzer's English stop words from the query (see lucene.go).
DROP INDEX business_search IF EXISTS;
CREATE FULLTEXT INDEX business_search IF NOT EXISTS FOR (b:Business) ON EACH [b.name, b.description]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}
