import type { ClusterNode } from '../../services/clusters/nodes';
import type { ProblemNode } from '../../services/clusters/problem-node';
import type { Source } from '../../services/clusters/sources';

export interface Target {
  readonly source: Source;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A pod, a workload or a problem (tree or Problems view) → what to diagnose. */
export function targetOf(arg: unknown): Target | undefined {
  const node = arg as ClusterNode | ProblemNode | undefined;
  if (!node || typeof node !== 'object') return undefined;
  if ('problem' in node) {
    const p = node.problem;
    if (!p.namespace) return undefined;
    return p.pod
      ? { source: node.source, kind: 'Pod', namespace: p.namespace, name: p.pod }
      : { source: node.source, kind: p.owner.kind, namespace: p.namespace, name: p.owner.name };
  }
  if (node.type === 'pod')
    return { source: node.source, kind: 'Pod', namespace: node.namespace, name: node.name };
  if (node.type === 'workload')
    return { source: node.source, kind: node.kind, namespace: node.namespace, name: node.name };
  return undefined;
}
