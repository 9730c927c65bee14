// The service map: services as boxes in columns (a service one step downstream of another sits one column
// to its right), edges as arrows labelled with how many calls or messages went along them.
import { serviceColor } from "./colors.js";
import { h, svg } from "./dom.js";

const box = { width: 180, height: 46, columnGap: 140, rowGap: 34, margin: 24 };

export function serviceMapView(map) {
  return h(
    "div",
    { class: "service-map" },
    h("div", { class: "trace-header" }, h("h1", {}, "Service map"), h("p", { class: "muted" }, "Edges from parent spans to child spans in another service, and from linked spans (batches), over the traces in memory.")),
    map.services.length === 0 ? h("p", { class: "muted" }, "No traces yet.") : graph(map),
    map.edges.length === 0 ? h("p", { class: "muted" }, "No span has crossed from one service to another yet.") : edgeTable(map.edges),
  );
}

function columnsOf(map) {
  const column = new Map(map.services.map((service) => [service.name, 0]));
  // Longest path from a source; bounded by the service count so that a cycle cannot loop forever.
  for (let round = 0; round < map.services.length; round += 1) {
    for (const edge of map.edges) {
      const next = (column.get(edge.from) ?? 0) + 1;
      if (next > (column.get(edge.to) ?? 0) && next < map.services.length) column.set(edge.to, next);
    }
  }
  return column;
}

function graph(map) {
  const columns = columnsOf(map);
  const rows = new Map();
  const position = new Map();
  for (const service of map.services) {
    const column = columns.get(service.name) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    position.set(service.name, { x: box.margin + column * (box.width + box.columnGap), y: box.margin + row * (box.height + box.rowGap) });
  }
  const width = box.margin * 2 + (Math.max(...columns.values()) + 1) * (box.width + box.columnGap) - box.columnGap;
  const height = box.margin * 2 + Math.max(...rows.values()) * (box.height + box.rowGap) - box.rowGap + 30;
  return svg(
    "svg",
    { class: "map-graph", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Service map" },
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M0,0 L10,5 L0,10 z", class: "map-arrow" }))),
    pairs(map.edges).map((pair) => edgePath(pair, position.get(pair.from), position.get(pair.to))),
    map.services.map((service) => node(service, position.get(service.name))),
  );
}

// One arrow per pair of services: parent/child calls and links between the same two share it and its label.
function pairs(edges) {
  const byPair = new Map();
  for (const edge of edges) {
    const key = JSON.stringify([edge.from, edge.to]);
    const pair = byPair.get(key) ?? { from: edge.from, to: edge.to, parent: 0, link: 0 };
    pair[edge.via] += edge.count;
    byPair.set(key, pair);
  }
  return [...byPair.values()];
}

function edgeLabel(pair) {
  return [pair.parent > 0 && String(pair.parent), pair.link > 0 && `${pair.link} linked`].filter(Boolean).join(" + ");
}

function edgePath(pair, from, to) {
  const start = { x: from.x + box.width, y: from.y + box.height / 2 };
  const end = { x: to.x, y: to.y + box.height / 2 };
  const forward = end.x > start.x;
  // An edge back to an earlier column swings below the boxes instead of crossing them.
  const bend = forward ? (end.x - start.x) / 2 : box.columnGap;
  const drop = forward ? 0 : box.height + box.rowGap / 2;
  const d = `M${start.x},${start.y} C${start.x + bend},${start.y + drop} ${end.x - bend},${end.y + drop} ${end.x},${end.y}`;
  const label = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 + drop * 0.75 - 6 };
  return svg(
    "g",
    { class: `map-edge${pair.parent === 0 ? " via-link" : ""}`, "data-from": pair.from, "data-to": pair.to },
    svg("path", { d, "marker-end": "url(#arrow)" }),
    svg("text", { x: label.x, y: label.y, "text-anchor": "middle" }, edgeLabel(pair)),
  );
}

function node(service, at) {
  return svg(
    "g",
    { class: "map-node", "data-service": service.name, transform: `translate(${at.x},${at.y})` },
    svg("rect", { width: box.width, height: box.height, rx: 8 }),
    svg("rect", { width: 6, height: box.height, rx: 3, fill: serviceColor(service.name) }),
    svg("text", { x: 18, y: 20, class: "map-node-name" }, service.name),
    svg("text", { x: 18, y: 36, class: "map-node-meta" }, `${service.spanCount} span${service.spanCount === 1 ? "" : "s"}`),
  );
}

function edgeTable(edges) {
  return h(
    "table",
    { class: "kv edge-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "From"), h("th", {}, "To"), h("th", {}, "Through"), h("th", {}, "Count"))),
    h("tbody", {}, edges.map((edge) => h("tr", {}, h("td", {}, edge.from), h("td", {}, edge.to), h("td", {}, edge.via === "link" ? "span links" : "parent → child"), h("td", {}, String(edge.count))))),
  );
}
