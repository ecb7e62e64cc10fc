-- Offers per business per UTC day, kept by a trigger, so that the daily lead cap is checked by
-- reading one row instead of counting a busy business's offers of the day for every lead.
CREATE TABLE offer_counts (
  business_id TEXT NOT NULL,
  day         INTEGER NOT NULL, -- created_at / 86400e9: the UTC day since the epoch
  n           INTEGER NOT NULL,
  PRIMARY KEY (business_id, day)
) WITHOUT ROWID;

INSERT INTO offer_counts (business_id, day, n)
  SELECT business_id, created_at / 86400000000000, count(*) FROM offers GROUP BY 1, 2;

CREATE TRIGGER offers_count AFTER INSERT ON offers BEGIN
  INSERT INTO offer_counts (business_id, day, n) VALUES (new.business_id, new.created_at / 86400000000000, 1)
    ON CONFLICT (business_id, day) DO UPDATE SET n = n + 1;
END;
