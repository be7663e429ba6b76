/**
 * service-target-port looks a Service's pods up through the label index (issue 18), with the same
 * answer a scan of every pod template gives: same pods, same order of port names in the message.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  selects,
  podTemplatesCarrying,
  type IndexedObject,
  type ScopeIndex,
} from '../../../src/core/rules/scope';
import { CONTROLLER_LABELS, podLabelsFor } from '../../../src/core/rules/pod-owners';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile } from '../../../src/core/rules/scope';
import { parseManifestFile } from '../../../src/core/yaml/parse';

function workloads(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const ns = i % 3 === 0 ? '' : `\n  namespace: team-${i % 2}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: w-${i}${ns}
spec:
  selector: {matchLabels: {app: a-${i % 40}}}
  template:
    metadata:
      labels: {app: a-${i % 40}, tier: t-${i % 7}}
    spec:
      containers:
        - name: c
          image: x:1
          ports: [{name: p-${i % 11}, containerPort: 80}]`);
  }
  return docs.join('\n---\n');
}

const services = Array.from({ length: 40 }, (_, i) => {
  const ns = i % 4 === 0 ? '' : `\n  namespace: team-${i % 2}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: s-${i}${ns}
spec:
  selector: {app: a-${i}, tier: t-${i % 7}${i % 5 === 0 ? ', statefulset.kubernetes.io/pod-name: w-1-0' : ''}}
  ports: [{port: 80, targetPort: missing-${i}}]`;
}).join('\n---\n');

test('the label lookup finds, in scan order, every pod template a selector picks', () => {
  const file = parseManifestFile(`${workloads(600)}\n---\n${services}`);
  const index: ScopeIndex = { scope: 'workspace', objects: indexFile(file, 'w.yaml') };
  const carriers = index.objects.filter((o) => o.podLabels);
  let looked = 0;
  for (const ns of [undefined, 'team-0', 'team-1']) {
    for (let i = 0; i < 40; i++) {
      const matchLabels = { app: `a-${i}`, tier: `t-${i % 7}` };
      const selector = { matchLabels, matchExpressions: [] };
      const inScope = (o: IndexedObject) =>
        ns === undefined || o.identity.namespace === undefined || o.identity.namespace === ns;
      // objectsInScope's order: the namespace's own templates first, then those without one.
      const scanned = [
        ...carriers.filter((o) => inScope(o) && (ns === undefined || o.identity.namespace === ns)),
        ...carriers.filter((o) => ns !== undefined && o.identity.namespace === undefined),
      ].filter((o) => selects(selector, podLabelsFor(selector, o)));
      const found = podTemplatesCarrying(index, ns, matchLabels, (k) => !CONTROLLER_LABELS.has(k));
      assert.ok(found);
      looked += found.length;
      assert.deepEqual(
        found.filter((o) => selects(selector, podLabelsFor(selector, o))).map((o) => o.identity.name),
        scanned.map((o) => o.identity.name),
      );
    }
  }
  // Each lookup touched the templates sharing a label pair, not the 600 of the namespace.
  assert.ok(looked < 3 * 40 * 20, `looked at ${looked} templates`);
  assert.equal(
    podTemplatesCarrying(index, 'team-0', { 'pod-template-hash': 'x' }, (k) => !CONTROLLER_LABELS.has(k)),
    undefined,
  );
});

test('service-target-port reports the same for a workspace of many workloads', () => {
  const text = `${workloads(300)}\n---\n${services}`;
  const findings = analyseText(text, { rules: allRules, include: ['service-target-port'] }).findings;
  const messages = findings.map((f) => f.message);
  assert.ok(messages.length > 10);
  assert.ok(messages.some((m) => /no container of the selected pods declares \(p-\d+/.test(m)));
  // Every message names the ports of exactly the templates a scan picks, in scan order.
  const file = parseManifestFile(text);
  const objects = indexFile(file, '');
  for (const f of findings) {
    const service = objects.find((o) => o.identity.kind === 'Service' && o.identity.name === f.object.name);
    const selector = service?.selector;
    assert.ok(selector);
    const names = new Set(
      objects
        .filter(
          (o) =>
            o.podLabels &&
            (service?.identity.namespace === undefined ||
              o.identity.namespace === undefined ||
              o.identity.namespace === service.identity.namespace),
        )
        .sort((a, b) =>
          service?.identity.namespace === undefined
            ? 0
            : Number(a.identity.namespace === undefined) - Number(b.identity.namespace === undefined),
        )
        .filter((o) => selects(selector, podLabelsFor(selector, o)))
        .flatMap((o) => (o.containerPorts ?? []).flatMap((p) => (p.name ? [p.name] : []))),
    );
    assert.ok(f.message.includes(`(${[...names].join(', ') || 'they declare no named ports'})`), f.message);
  }
});
