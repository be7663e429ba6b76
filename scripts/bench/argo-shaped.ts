/**
 * Generated stand-ins for the big manifests platform teams keep in their repos (issue 19): an
 * Argo-CD-install-shaped file (~2 MB: big CRDs with deep openAPIV3Schema bodies, then ordinary
 * objects) and a single big CRD. Used by the benchmark and the big-file tests.
 */
import { corpusDocuments } from './corpus';

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
