// The waterfall's rows: each span with its depth under the roots. The API sends spans depth first with
// siblings by start time, so this only has to find the depths; a span whose parent is missing is a root.
export function treeRows(spans) {
  const depths = new Map();
  const childCounts = new Map();
  for (const span of spans) childCounts.set(span.parentSpanId, (childCounts.get(span.parentSpanId) ?? 0) + 1);
  return spans.map((span) => {
    // A parent always comes before its children in the API's order; one that does not is treated as missing.
    const depth = depths.has(span.parentSpanId) ? depths.get(span.parentSpanId) + 1 : 0;
    depths.set(span.spanId, depth);
    return { span, depth, childCount: childCounts.get(span.spanId) ?? 0 };
  });
}
