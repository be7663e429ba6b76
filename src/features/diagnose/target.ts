import { refOf } from '../../core/explorer/ref';
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
  const ref = refOf(node)?.object;
  if (!node || !ref?.namespace) return undefined;
  if ('problem' in node || node.type === 'pod' || node.type === 'workload')
    return { source: node.source, kind: ref.kind, namespace: ref.namespace, name: ref.name };
  return undefined;
}
