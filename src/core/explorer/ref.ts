import type { Problem } from '../health/types';
import type { ExplorerNode, SourceKey } from './nodes';

/** A Kubernetes object by kind, namespace and name (no namespace: cluster-scoped). */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** A row of the Problems view: one problem of one cluster. */
export interface ProblemItem<S extends SourceKey = SourceKey> {
  readonly source: S;
  readonly problem: Problem;
}

export interface NodeRef {
  /** The object the row shows: what logs, describe, scale and delete act on. */
  readonly object: ObjectRef;
  /**
   * The object a manifest defines, for live → source (open the manifest, raise a limit in it):
   * a pod's top-level controller, else the object itself. Absent on nodes and namespaces.
   */
  readonly definedBy?: ObjectRef;
}

/** A problem is about a pod when it names one, else about its owner. */
function problemRef({ problem: p }: ProblemItem): NodeRef {
  // A node's problem carries an empty namespace: a cluster-scoped object has none, or Describe
  // builds a live document address its own parser refuses.
  const namespace = p.namespace ? { namespace: p.namespace } : {};
  const definedBy = { kind: p.owner.kind, name: p.owner.name, ...namespace };
  const object = p.pod
    ? { kind: 'Pod', ...namespace, name: p.pod }
    : { kind: p.owner.kind, ...namespace, name: p.owner.name };
  return { object, definedBy };
}

function nodeRef(node: ExplorerNode): NodeRef | undefined {
  switch (node.type) {
    case 'pod': {
      const definedBy = node.owner
        ? { kind: node.owner.kind, namespace: node.namespace, name: node.owner.name }
        : { kind: 'Pod', namespace: node.namespace, name: node.name };
      return { object: { kind: 'Pod', namespace: node.namespace, name: node.name }, definedBy };
    }
    case 'workload':
    case 'application': {
      const kind = node.type === 'workload' ? node.kind : 'Application';
      const object = { kind, namespace: node.namespace, name: node.name };
      return { object, definedBy: object };
    }
    case 'node':
      return { object: { kind: 'Node', name: node.name } };
    case 'namespace':
      return { object: { kind: 'Namespace', name: node.name } };
    default:
      return undefined;
  }
}

/**
 * The one place that says which object an explorer row or a problem is about: every cluster
 * command and the live → manifest lookup start here, so a new node type is added once.
 */
export function refOf(item: unknown): NodeRef | undefined {
  if (!item || typeof item !== 'object') return undefined;
  if ('problem' in item) return problemRef(item as ProblemItem);
  if ('type' in item && 'source' in item) return nodeRef(item as ExplorerNode);
  return undefined;
}
