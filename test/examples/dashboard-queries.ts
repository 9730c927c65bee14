// The metric and label names the Grafana dashboard's PromQL uses, and the ones a /metrics page exposes.
import { readFileSync } from "node:fs";
import { repoRoot } from "./example-process.js";

export const monitoringDir = `${repoRoot}examples/monitoring/`;

interface Dashboard {
  readonly panels: readonly { readonly title: string; readonly datasource?: { readonly uid?: string }; readonly targets?: readonly { readonly expr?: string }[] }[];
  readonly templating?: { readonly list: readonly { readonly query?: { readonly query?: string } | string }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(`${monitoringDir}grafana/dashboards/postline-messaging.json`, "utf8")) as Dashboard;
}

/** Every PromQL expression: panel targets and template-variable queries. */
export function dashboardExpressions(dashboard: Dashboard = readDashboard()): string[] {
  const targets = dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((target) => (target.expr === undefined ? [] : [target.expr]));
  const variables = (dashboard.templating?.list ?? []).flatMap((variable) => {
    const query = typeof variable.query === "string" ? variable.query : variable.query?.query;
    return query === undefined ? [] : [query];
  });
  return [...targets, ...variables];
}

export interface QueryNames {
  /** Series names (`messaging_process_duration_bucket`, `traces_spanmetrics_calls_total`, ...). */
  readonly metrics: Set<string>;
  /** Regular expressions matched against `__name__`. */
  readonly nameRegexes: RegExp[];
  readonly labels: Set<string>;
}

export function namesInQueries(expressions: readonly string[]): QueryNames {
  const metrics = new Set<string>();
  const nameRegexes: RegExp[] = [];
  const labels = new Set<string>();
  for (const expression of expressions) {
    // Series names end in a Prometheus suffix, which tells them from label names such as messaging_destination_name.
    for (const [name] of expression.matchAll(/\b[a-z][a-z0-9_]*_(?:bucket|count|sum|total)\b/g)) metrics.add(name);
    for (const [, selector] of expression.matchAll(/\{([^}]*)\}/g)) {
      for (const [, label, value] of selector!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"([^"]*)"/g)) {
        if (label === "__name__") nameRegexes.push(new RegExp(`^(?:${value!})$`));
        else labels.add(label!);
      }
    }
    for (const [, list] of expression.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
      for (const label of list!.split(",")) labels.add(label.trim());
    }
    for (const [, label] of expression.matchAll(/label_values\(.*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g)) labels.add(label!);
  }
  labels.delete("");
  return { metrics, nameRegexes, labels };
}

/** Series and label names on a Prometheus text exposition page. */
export function namesInExposition(text: string): { metrics: Set<string>; labels: Set<string> } {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    if (match === null) continue;
    metrics.add(match[1]!);
    for (const [, label] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(label!);
  }
  return { metrics, labels };
}
