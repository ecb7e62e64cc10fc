// The trust graph drawn with Cytoscape.js: businesses as nodes (colour by sector, size by trust
// received, marks for verified and suspended), trust edges directed and weighted, partnerships
// dashed. Cytoscape is loaded on first use, so the member views never download it.

/** The most nodes a drawing holds; expanding stops there (the whole graph is never drawn). */
export const MAX_NODES = 3000;

/**
 * Above this many businesses a drawing is big: laid out in rings (not by force) and its edges
 * drawn as plain lines without arrowheads. At 3,000 businesses and some 18,000 edges, curved
 * edges with arrows took the canvas seconds per frame (console/scale.sh); the direction stays
 * in the inspector (a business's edges, "from → to") and shows again in a small drawing.
 */
export const BIG = 400;

// No greens: green is the verified mark.
const SECTOR_COLORS = ['#1f5fa8', '#b3261e', '#8a4b00', '#7a3e9d', '#00727a', '#9c2a6b', '#5b5b00', '#3d4db7', '#6b4f2a', '#c2185b'];
const sectors = new Map();

/** The colour of a sector, the same for the page's life. */
export function sectorColor(sector) {
  if (!sectors.has(sector)) sectors.set(sector, SECTOR_COLORS[sectors.size % SECTOR_COLORS.length]);
  return sectors.get(sector);
}

/** The sectors coloured so far, for the legend. */
export function sectorLegend() {
  return [...sectors.entries()];
}

const STYLE = [
  { selector: 'node', style: {
    'background-color': 'data(color)', label: 'data(label)', 'font-size': 10, 'min-zoomed-font-size': 7, color: '#111',
    'text-valign': 'bottom', 'text-margin-y': 3, 'text-background-color': '#fff', 'text-background-opacity': 0.8,
    'text-background-padding': 1, width: 'data(size)', height: 'data(size)', 'border-width': 1, 'border-color': '#fff',
  } },
  { selector: 'node[?verified]', style: { 'border-width': 4, 'border-color': '#1a7f37' } },
  { selector: 'node[status = "SUSPENDED"]', style: { 'background-color': '#9e9e9e', 'border-width': 4, 'border-style': 'dashed', 'border-color': '#b3261e', shape: 'octagon' } },
  { selector: 'node.focus', style: { 'overlay-color': '#1f5fa8', 'overlay-opacity': 0.15, 'overlay-padding': 6, 'font-weight': 'bold' } },
  { selector: 'edge.trust', style: {
    width: 'mapData(score, 0, 1, 0.5, 6)', 'line-color': '#7d8a99', 'target-arrow-color': '#7d8a99',
    'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8, opacity: 0.85,
  } },
  { selector: 'edge.trust[source_ = "ADMIN"]', style: { 'line-color': '#c05800', 'target-arrow-color': '#c05800' } },
  { selector: 'edge.partnership', style: { width: 2, 'line-style': 'dashed', 'line-color': '#7a3e9d', 'curve-style': 'bezier', 'target-arrow-shape': 'none' } },
  { selector: 'edge.partnership[status = "PROPOSED"]', style: { 'line-style': 'dotted' } },
  { selector: ':selected', style: { 'overlay-color': '#f0b400', 'overlay-opacity': 0.35, 'overlay-padding': 5 } },
  { selector: 'edge.big', style: { 'curve-style': 'haystack', 'haystack-radius': 0, 'target-arrow-shape': 'none' } },
  { selector: '.hidden', style: { display: 'none' } },
];

/** A drawing on one container; onSelect(kind, data) is told of taps on nodes and edges. */
export class TrustGraph {
  static async create(container, onSelect) {
    const { default: cytoscape } = await import('cytoscape');
    return new TrustGraph(cytoscape, container, onSelect);
  }

  constructor(cytoscape, container, onSelect) {
    // Without a container (the unit tests, in Node) the drawing is headless.
    this.cy = cytoscape({ container, headless: !container, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4 });
    this.count = 0;
    this.cy.on('tap', 'node', (e) => onSelect('node', e.target.data()));
    this.cy.on('tap', 'edge', (e) => onSelect('edge', e.target.data()));
  }

  // Counted as businesses are added (only clear removes any): cy.nodes() walks every element,
  // which addBusiness, once per business added, made quadratic (console/scale.sh).
  get size() {
    return this.count;
  }

  /** Adds or updates a business, a new one placed near `at` if given; false when the drawing is full. */
  addBusiness(b, at) {
    const data = nodeData(b);
    const n = this.cy.getElementById(b.id);
    if (n.nonempty()) {
      // A drawn business keeps its colour and size: a Business of the API (after an admin's
      // action) does not say which sector the neighbourhood coloured it by.
      const { sector, color, size, weight, ...changed } = data;
      n.data(changed);
      return true;
    }
    if (this.size >= MAX_NODES) return false;
    const position = at ? { x: at.x + (Math.random() - 0.5) * 120, y: at.y + (Math.random() - 0.5) * 120 } : undefined;
    this.cy.add({ group: 'nodes', data, position });
    this.count++;
    return true;
  }

  /** Where a business is drawn, or null. */
  positionOf(id) {
    const n = this.cy.getElementById(id);
    return n.nonempty() ? { ...n.position() } : null;
  }

  /** Adds or updates a trust edge (both ends must be drawn). */
  addTrust(t) {
    if (this.cy.getElementById(t.from.id).empty() || this.cy.getElementById(t.to.id).empty()) return;
    const id = `t:${t.from.id}>${t.to.id}`;
    const data = defined({ id, source: t.from.id, target: t.to.id, score: t.score, weight: t.weight, source_: t.source, note: t.note, fromName: t.from.name, toName: t.to.name, kind: 'trust' });
    const e = this.cy.getElementById(id);
    if (e.nonempty()) e.data(data);
    else this.cy.add({ group: 'edges', data, classes: this.size > BIG ? 'trust big' : 'trust' });
  }

  /**
   * Adds a neighbourhood as the server's neighbourhood query gives it (nodes, trust and
   * partnerships by node id), new businesses placed near `at` if given; false when the drawing
   * filled up before all its businesses were added.
   */
  addNeighbourhood(nb, at) {
    // One batch: the renderer restyles once, not once per element added.
    let full = false;
    this.cy.batch(() => {
      full = this.addAll(nb, at);
    });
    return !full;
  }

  /** addNeighbourhood's work, in its batch; true when the drawing filled up. */
  addAll(nb, at) {
    let full = false;
    const names = new Map();
    for (const n of nb.nodes) {
      names.set(n.id, n.name);
      const b = {
        id: n.id, name: n.name, city: n.city, verified: n.verified, status: n.suspended ? 'SUSPENDED' : 'ACTIVE',
        sector: n.sector, services: n.services.map((slug) => ({ slug, name: slug, sector: n.sector })), trustReceived: n.trustReceived,
      };
      full = !this.addBusiness(b, at) || full;
    }
    const end = (id) => ({ id, name: names.get(id) });
    for (const t of nb.trust) {
      this.addTrust({ from: end(t.from), to: end(t.to), score: t.score, weight: t.weight, source: t.overridden ? 'ADMIN' : 'MEMBER' });
    }
    for (const p of nb.partnerships) this.addPartnership({ id: `${p.a}~${p.b}`, proposer: end(p.a), partner: end(p.b), status: p.status });
    return full;
  }

  /** Adds a partnership (both ends must be drawn). */
  addPartnership(p) {
    if (this.cy.getElementById(p.proposer.id).empty() || this.cy.getElementById(p.partner.id).empty()) return;
    const id = 'p:' + p.id;
    if (this.cy.getElementById(id).nonempty()) return;
    this.cy.add({ group: 'edges', data: { id, source: p.proposer.id, target: p.partner.id, status: p.status, fromName: p.proposer.name, toName: p.partner.name, kind: 'partnership' }, classes: this.size > BIG ? 'partnership big' : 'partnership' });
  }

  focus(id) {
    this.cy.nodes().removeClass('focus');
    this.cy.getElementById(id).addClass('focus');
  }

  select(id) {
    this.cy.elements().unselect();
    this.cy.getElementById(id).select();
  }

  /** Hides the businesses that fail a filter: service, town, members (a Set of ids); the focus stays. */
  filter({ service, town, members }) {
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        const d = n.data();
        const ok = n.hasClass('focus') ||
          ((!service || d.services.includes(service)) && (!town || d.city === town) && (!members || members.has(d.id)));
        n.toggleClass('hidden', !ok);
      });
    });
  }

  /**
   * Lays the drawing out: a force layout (from where the nodes are, unless fresh, so that an
   * expansion keeps the picture), rings by trust received when it is big; a circle for a group.
   */
  layout({ circle = false, fresh = true } = {}) {
    let opts = { name: 'cose', animate: false, randomize: fresh, nodeRepulsion: () => 400000, nodeOverlap: 20, idealEdgeLength: () => 100, gravity: 1, numIter: 1000 };
    // Edges not yet drawn as the drawing's size wants them (new ones, or all when it crossed BIG).
    const big = this.size > BIG;
    this.cy.edges(big ? ':not(.big)' : '.big').toggleClass('big', big);
    if (circle) opts = { name: 'circle', animate: false };
    else if (big) opts = { name: 'concentric', concentric: (n) => n.data('weight'), levelWidth: () => 4, animate: false, minNodeSpacing: 4 };
    this.cy.layout({ ...opts, padding: 40 }).run();
    // A few nodes would be blown up to fill the box.
    if (this.cy.zoom() > 1.3) {
      this.cy.zoom(1.3);
      this.cy.center();
    }
  }

  clear() {
    this.cy.elements().remove();
    this.count = 0;
  }

  /** The drawn businesses' data, for the list beside the drawing. */
  nodes() {
    return this.cy.nodes().map((n) => ({ ...n.data(), hidden: n.hasClass('hidden') }));
  }

  /** The trust edges drawn to and from a business, for the inspector's list. */
  trustOf(id) {
    return this.cy.getElementById(id).connectedEdges('.trust').map((e) => e.data());
  }

  counts() {
    return { nodes: this.size, trust: this.cy.edges('.trust').length, partnerships: this.cy.edges('.partnership').length };
  }

  destroy() {
    this.cy.destroy();
  }
}

/**
 * A node's data from a business: either a Business of the API (trust counts) or a node of a
 * neighbourhood (trust received, the sum of the scores). What the business does not carry is
 * left out, so that updating a drawn business keeps what it had.
 */
function nodeData(b) {
  const sector = b.sector || b.services[0]?.sector || 'none';
  const weight = b.trustReceived ?? b.trustCounts?.trustedBy;
  return defined({
    id: b.id, label: b.name, name: b.name, city: b.city, status: b.status, verified: b.verified, sector,
    services: b.services.map((s) => s.slug), serviceNames: b.services.map((s) => s.name),
    trustedBy: b.trustCounts?.trustedBy, trusts: b.trustCounts?.trusts, trustReceived: b.trustReceived, weight,
    color: sectorColor(sector), size: weight === undefined ? undefined : 14 + 5 * Math.sqrt(weight),
  });
}

/** o without its undefined fields (Cytoscape's data() would set them). */
function defined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
