/**
 * The metric names and label matchers a PromQL expression refers to (enough of PromQL for
 * dashboard queries: functions, aggregations with by/without, binary operators, range selectors).
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export interface MetricRef {
  name: string;
  /** Label names used in the selector's matchers. */
  labels: string[];
}

export function metricRefs(expr: string): MetricRef[] {
  const refs: MetricRef[] = [];
  const cleaned = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals
    .replace(/\[[^\]]*\]/g, '') // range selectors, [$__rate_interval]
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  for (const m of cleaned.matchAll(token)) {
    const [, name, matchers, call] = m;
    const before = cleaned[m.index - 1];
    if (call || KEYWORDS.has(name.toLowerCase()) || before === '$' || /[0-9.]/.test(before ?? '')) continue;
    const labels = matchers
      ? [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1])
      : [];
    refs.push({ name, labels });
  }
  return refs;
}
