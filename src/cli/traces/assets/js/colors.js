// One steady color per service name, so a service looks the same in the list, the waterfall and the map.
const palette = ["#3b82f6", "#10b981", "#8b5cf6", "#f59e0b", "#06b6d4", "#ec4899", "#84cc16", "#6366f1", "#14b8a6", "#f97316"];

export function serviceColor(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return palette[hash % palette.length];
}
