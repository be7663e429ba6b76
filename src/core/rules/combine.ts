import type { Finding, Severity } from './types';

/** `data` key: the resource rules set it (to `section.resource`) on a container with no `resources`. */
export const BARE = 'bare';
/** `data` key of a combined finding: every `section.resource` its one fix writes. */
export const MISSING = 'missing';

/** Catalogue order, and how each missing value is named in the combined message. */
const RESOURCE_RULES: ReadonlyMap<string, string> = new Map([
  ['cpu-request', 'CPU request'],
  ['memory-request', 'memory request'],
  ['memory-limit', 'memory limit'],
  ['cpu-limit', 'CPU limit'],
]);
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

const listing = (items: readonly string[]) =>
  items.length > 1
    ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`
    : (items[0] ?? '');

/**
 * A container with no `resources` used to get four findings (cpu/memory × request/limit) and four
 * quick fixes; a person wants to read one, with one fix that writes the whole block. The findings
 * of the active, unsuppressed resource rules for such a container are folded into the first
 * (catalogue order), at the highest of their severities.
 */
export function combineFindings(findings: Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!RESOURCE_RULES.has(f.rule) || typeof f.data?.[BARE] !== 'string') continue;
    const key = `${String(f.data['group'])}/${String(f.data['index'])}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const dropped = new Set<Finding>();
  const replaced = new Map<Finding, Finding>();
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    const order = [...RESOURCE_RULES.keys()];
    list.sort((a, b) => order.indexOf(a.rule) - order.indexOf(b.rule));
    const [first] = list;
    if (!first) continue;
    const severity = list.reduce<Severity>((s, f) => (RANK[f.severity] < RANK[s] ? f.severity : s), 'info');
    const names = list.map((f) => RESOURCE_RULES.get(f.rule) ?? f.rule);
    replaced.set(first, {
      ...first,
      severity,
      message: `Container "${first.container ?? '?'}" has no resources: no ${listing(names)}. The scheduler cannot place it reliably, quotas that count requests reject it, and a leak grows until the node runs out of memory.`,
      data: { ...first.data, [MISSING]: list.map((f) => String(f.data?.[BARE])).join(',') },
      ...(first.fix
        ? { fix: { ...first.fix, title: 'Add resources: requests and limits (TODO values)' } }
        : {}),
    });
    for (const f of list.slice(1)) dropped.add(f);
  }
  if (replaced.size === 0) return findings;
  return findings.flatMap((f) => (dropped.has(f) ? [] : [replaced.get(f) ?? f]));
}
