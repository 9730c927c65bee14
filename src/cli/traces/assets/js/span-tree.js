// The waterfall's row order: depth-first from the roots, children by start time. A span whose parent has not
// arrived (yet, or at all) is shown as a root, so that nothing received is hidden.
export function treeRows(spans) {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map();
  const roots = [];
  for (const span of spans) {
    if (span.parentSpanId === "" || !ids.has(span.parentSpanId)) roots.push(span);
    else children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
  }
  const rows = [];
  const visit = (span, depth) => {
    const kids = children.get(span.spanId) ?? [];
    rows.push({ span, depth, childCount: kids.length });
    for (const child of kids) visit(child, depth + 1);
  };
  // The API sends spans by start time, so every list here is already in that order.
  for (const root of roots) visit(root, 0);
  return rows;
}
