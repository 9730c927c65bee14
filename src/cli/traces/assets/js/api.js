// The viewer's JSON API (served by the same process as this page).
async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

export const api = {
  info: () => getJson("/api/info"),
  traces: () => getJson("/api/traces"),
  trace: (traceId) => getJson(`/api/traces/${encodeURIComponent(traceId)}`),
  serviceMap: () => getJson("/api/service-map"),
};
