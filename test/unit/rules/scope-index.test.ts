/** A Service's selector matched through the label index gives the linear scan's answer (issue 18). */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  POD_TEMPLATES,
  anyPodTemplateSelected,
  objectsInScope,
  selects,
  type IndexedObject,
  type ScopeIndex,
} from '../../../src/core/rules/scope';

test('anyPodTemplateSelected agrees with scanning every pod template in scope', () => {
  let seed = 3;
  const pick = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const namespaces = ['a', 'b', undefined];
  const labels = () => {
    const out: Record<string, string> = {};
    for (const key of ['app', 'tier', 'team']) if (pick(3) > 0) out[key] = `${key}-${pick(10)}`;
    return out;
  };
  const objects: IndexedObject[] = Array.from({ length: 400 }, (_, i) => {
    const namespace = namespaces[pick(3)];
    return {
      identity: {
        kind: i % 5 === 0 ? 'ConfigMap' : 'Deployment',
        name: `o${i}`,
        ...(namespace ? { namespace } : {}),
      },
      file: 'f.yaml',
      ...(i % 5 === 0 ? {} : { podLabels: labels() }),
    };
  });
  const index: ScopeIndex = { scope: 'workspace', objects };
  let matched = 0;
  for (let i = 0; i < 600; i++) {
    const namespace = namespaces[pick(3)];
    const selector = labels();
    const scan = objectsInScope(index, POD_TEMPLATES, namespace).some((o) =>
      selects({ matchLabels: selector, matchExpressions: [] }, o.podLabels),
    );
    assert.equal(
      anyPodTemplateSelected(index, namespace, selector),
      scan,
      JSON.stringify({ namespace, selector }),
    );
    if (scan) matched++;
  }
  // Both answers occur, so the comparison means something.
  assert.ok(matched > 30 && matched < 570, `${matched} of 600 selectors matched`);
});
