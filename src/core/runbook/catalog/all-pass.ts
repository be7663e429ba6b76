/**
 * allPass: a list of checks that must all pass ("Trino: coordinator + 1 worker").
 */
import { isSeq, type Node } from 'yaml';
import type { CheckDefinition, Outcome } from '../definition';
import type { Check } from '../types';
import { ref } from './params';

export interface AllPassCheck {
  readonly kind: 'allPass';
  readonly checks: readonly Check[];
}

export const allPass: CheckDefinition<AllPassCheck> = {
  kind: 'allPass',
  describe:
    'Every check in the list passes; unknown if any is unknown. Example: Trino coordinator + 1 worker.',
  schema: { type: 'array', minItems: 1, items: ref('check') },
  composite: true,
  parse(value, r, parsePart) {
    if (!isSeq(value) || value.items.length === 0) {
      r.report(value, 'allPass must be a list of one or more checks.');
      return undefined;
    }
    const checks = value.items.map((item) => parsePart(item as Node, r));
    return checks.every((c): c is Check => c !== undefined) ? { kind: 'allPass', checks } : undefined;
  },
  needs: (check, needsOf) => [...new Set(check.checks.flatMap(needsOf))],
  /** Fails if any part fails, else unknown if any part is unknown: never a pass on missing data. */
  evaluate(check, _facts, evaluatePart): Outcome {
    const parts = check.checks.map(evaluatePart);
    const status = parts.some((p) => p.status === 'fail')
      ? 'fail'
      : parts.some((p) => p.status === 'unknown')
        ? 'unknown'
        : 'pass';
    const seen = new Set<string>();
    const refs = parts
      .flatMap((p) => p.refs)
      .filter((r) => {
        const key = `${r.kind}/${r.namespace}/${r.name}`;
        return !seen.has(key) && (seen.add(key), true);
      });
    return { status, evidence: parts.map((p) => p.evidence).join(' '), refs };
  },
};
