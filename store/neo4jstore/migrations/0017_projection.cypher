// The index that gives the network listing its order (network_list), so a page seeks its
// keyset instead of scanning and sorting every network.
CREATE RANGE INDEX network_name IF NOT EXISTS FOR (n:Network) ON (n.name, n.id)
