// Offers per recipient and UTC day, counted as they are written: one (:OfferDay {businessId,
// day, offers}) node each, which the writers of offers to that business on that day lock in
// turn for the daily lead cap (offer_cap_take), rather than the business node that their
// offers link to. The constraint makes concurrent first writers of a day meet on one node.
CREATE CONSTRAINT offer_day IF NOT EXISTS FOR (d:OfferDay) REQUIRE (d.businessId, d.day) IS UNIQUE
