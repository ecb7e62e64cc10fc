#!/usr/bin/python3
"""Convert a graph of graph-tool's collection into PartnerGraph's import format (JSON Lines).

Usage:
    scripts/graphs/graphtool2jsonl.py NAME [OUT.jsonl]     # OUT defaults to standard output
    scripts/graphs/graphtool2jsonl.py --list               # the graphs this script accepts

Needs Debian's python3-graph-tool (`apt-get install -y python3-graph-tool`), run by the
system Python (/usr/bin/python3), which is where Debian installs it. The collection's graph
files ship in that package (graph_tool/collection/*.gt.gz); nothing is downloaded.

The conversion, as a new user would import a network that no one here generated:
  - every vertex becomes a business: ACTIVE, no services, all at one location (so distance
    and complementarity say nothing), named by the vertex's label when the graph has one;
  - every edge of an undirected graph becomes an ACTIVE partnership between its ends; every
    edge of a directed graph becomes MEMBER trust (score 1) from its source to its target.
    Self-loops are dropped and parallel edges merged;
  - timestamps: an edge property named "time", "timestamp" or "date" (seconds since 1970)
    dates the edge. None of the twelve graphs below has one, so their edges all carry one
    date, and `partnergraph eval` evaluates them on random splits only (it refuses a temporal
    split of links that all share one time).

Only these twelve graphs of the collection are accepted; the others are kept back to check
the matching once it has been tuned on these, and must not be looked at.

The collection's files are public scientific data ("public-domain-gt" in Debian's copyright
file for python3-graph-tool); cite the original authors, whose references the script prints
on standard error with each conversion.
"""
import json
import sys

ALLOWED = [
    "astro-ph", "email-Enron", "as-22july06", "polblogs", "power", "celegansneural",
    "adjnoun", "dolphins", "football", "lesmis", "polbooks", "karate",
]

# One place for every business; one date for every undated edge and every business.
LOCATION = {"lat": 48.8566, "lng": 2.3522}
DATE = 1577836800  # 2020-01-01T00:00:00Z
TERMS = {"type": "PERCENT", "percentBp": 1000, "currency": "USD"}


def iso(t):
    import datetime
    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def convert(name, out):
    import graph_tool.collection as collection

    g = collection.data[name]
    prefix = name.lower().replace("_", "-")
    label = g.vp.get("label")
    when = None
    for p in ("time", "timestamp", "date"):
        if p in g.ep:
            when = g.ep[p]
            break
    ids = {}
    for v in g.vertices():
        i = int(v)
        ids[i] = "%s-%d" % (prefix, i)
        shown = str(label[v]).strip() if label is not None else ""
        biz = {
            "id": ids[i],
            "name": (shown or "%s %d" % (name, i))[:120],
            "location": LOCATION,
            "status": "ACTIVE",
            "createdAt": iso(DATE),
        }
        out.write(json.dumps({"business": biz}, separators=(",", ":")) + "\n")
    seen = set()
    n = 0
    for e in g.edges():
        a, b = int(e.source()), int(e.target())
        if a == b:
            continue
        key = (a, b) if g.is_directed() else (min(a, b), max(a, b))
        if key in seen:
            continue
        seen.add(key)
        t = iso(when[e] if when is not None else DATE)
        n += 1
        if g.is_directed():
            rec = {"trust": {"from": ids[a], "to": ids[b], "score": 1, "source": "MEMBER", "updatedAt": t}}
        else:
            rec = {"partnership": {"id": "%s-p%d" % (prefix, n), "proposerId": ids[key[0]], "partnerId": ids[key[1]],
                                   "status": "ACTIVE", "terms": TERMS, "createdAt": t}}
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")
    kind = "trust edges" if g.is_directed() else "partnerships"
    print("%s: %d businesses, %d %s%s. Source: %s" % (
        name, g.num_vertices(), n, kind, "" if when is not None else " (undated)", g.gp.description),
        file=sys.stderr)


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(ALLOWED))
        return 0
    if len(argv) not in (2, 3) or argv[1] not in ALLOWED:
        print(__doc__, file=sys.stderr)
        print("accepted graphs: " + ", ".join(ALLOWED), file=sys.stderr)
        return 2
    if len(argv) == 3:
        with open(argv[2], "w") as out:
            convert(argv[1], out)
    else:
        convert(argv[1], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
