/**
 * Issue 19's editor figures: keystrokes and opening on an Argo-CD-install-shaped file (~2 MB: big
 * CRDs with deep openAPIV3Schema bodies, then Deployments, Services and RBAC) and on one 0.8 MB CRD,
 * through the analyser exactly as the editor's analysis service calls it.
 */
import { IncrementalAnalyser } from '../../src/core/analysis/file-analysis';
import { allRules } from '../../src/core/rules/registry';
import { corpusDocuments } from './corpus';
import { fmt, percentile, type Report } from './report';

/** A schema property tree `depth` levels deep, `width` properties per level, each with a description. */
function schema(depth: number, width: number, indent: string, seed: number): string {
  const lines: string[] = [];
  for (let i = 0; i < width; i++) {
    const name = `field${seed}x${i}`;
    lines.push(`${indent}${name}:`);
    lines.push(
      `${indent}  description: ${name} configures part ${i} of level ${depth}; see the upstream reference for the allowed values and defaults.`,
    );
    if (depth > 0) {
      lines.push(`${indent}  type: object`, `${indent}  properties:`);
      lines.push(schema(depth - 1, width, `${indent}    `, seed * 7 + i));
    } else {
      lines.push(`${indent}  type: ${i % 3 === 0 ? 'integer' : 'string'}`);
    }
  }
  return lines.join('\n');
}

export function crd(name: string, depth: number, width: number): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${name}s.argoproj.io
  labels:
    app.kubernetes.io/part-of: argocd
spec:
  group: argoproj.io
  names:
    kind: ${name}
    plural: ${name}s
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
${schema(depth, width, '          ', name.length)}
`;
}

/** ~2 MB: CRDs first (as in Argo CD's install.yaml), then 60-odd ordinary objects. */
export function argoShaped(): string {
  const crds = [crd('Application', 4, 5), crd('ApplicationSet', 4, 5), crd('AppProject', 3, 5)];
  const rest = corpusDocuments(60);
  return [...crds, ...rest].join('---\n');
}

function keystrokes(report: Report, section: string, label: string, text: string, count: number): void {
  const analyser = new IncrementalAnalyser('bench.yaml', { rules: allRules });
  const open = performance.now();
  analyser.update(text);
  const openMs = performance.now() - open;
  let seed = 11;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const samples: number[] = [];
  let current = text;
  for (let i = 0; i < count; i++) {
    // Type at the end of a random line's indentation: a keystroke inside one document.
    const at = current.indexOf('\n', rand(current.length - 1)) + 1;
    current = `${current.slice(0, at)}${i % 2 === 0 ? '#' : ' '}${current.slice(at)}`;
    const t = performance.now();
    analyser.update(current);
    samples.push(performance.now() - t);
  }
  const p95 = percentile(samples, 95);
  report.add({
    section,
    metric: `${label}: open, first diagnostics`,
    value: `${fmt(openMs, 0)} ms`,
    target: '≤ 1000 ms',
    verdict: openMs <= 1000 ? 'met' : 'missed',
  });
  report.add({
    section,
    metric: `${label}: keystroke → diagnostics for the edited document`,
    value: `p50 ${fmt(percentile(samples, 50), 1)} ms · p95 ${fmt(p95, 1)} ms`,
    target: 'p95 ≤ 150 ms',
    verdict: p95 <= 150 ? 'met' : 'missed',
  });
}

export function benchBigFile(report: Report): void {
  const section = 'big file (issue 19)';
  const argo = argoShaped();
  const single = crd('Prometheus', 4, 5);
  report.add({
    section,
    metric: 'files',
    value: `Argo-CD-install-shaped ${fmt(argo.length / 1e6, 2)} MB, ${argo.split(/^---$/m).length} documents; single CRD ${fmt(single.length / 1e6, 2)} MB`,
  });
  keystrokes(report, section, 'Argo-shaped', argo, 200);
  keystrokes(report, section, 'single CRD', single, 60);
}
