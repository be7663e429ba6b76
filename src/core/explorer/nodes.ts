import type { WorkloadKind } from '../k8s/types';

/** What the explorer needs of a cluster: an id that stays the same across refreshes. */
export interface SourceKey {
  readonly id: string;
}

/**
 * Explorer rows are plain values rebuilt on every refresh; `nodeId` keeps VS Code's expansion
 * state and selection stable across refreshes (and makes duplicates impossible). `S` is the
 * editor's own cluster object, handed back to commands untouched.
 */
export type ExplorerNode<S extends SourceKey = SourceKey> =
  | { readonly type: 'source'; readonly source: S }
  | { readonly type: 'message'; readonly source: S; readonly key: string }
  | { readonly type: 'namespace'; readonly source: S; readonly name: string }
  | {
      readonly type: 'group';
      readonly source: S;
      readonly namespace: string;
      readonly kind: WorkloadKind | 'Pod';
    }
  | {
      readonly type: 'workload';
      readonly source: S;
      readonly namespace: string;
      readonly kind: WorkloadKind;
      readonly name: string;
    }
  | {
      readonly type: 'pod';
      readonly source: S;
      readonly namespace: string;
      readonly name: string;
      readonly owner?: { kind: WorkloadKind; name: string };
    }
  | { readonly type: 'services'; readonly source: S; readonly namespace: string }
  | {
      readonly type: 'service';
      readonly source: S;
      readonly namespace: string;
      readonly name: string;
    }
  | { readonly type: 'nodes'; readonly source: S }
  /** The context's active port-forwards; `key` is `forwardKey` of one. */
  | { readonly type: 'forwards'; readonly source: S }
  | { readonly type: 'forward'; readonly source: S; readonly key: string }
  | { readonly type: 'node'; readonly source: S; readonly name: string }
  | { readonly type: 'applications'; readonly source: S }
  | {
      readonly type: 'application';
      readonly source: S;
      readonly namespace: string;
      readonly name: string;
    };

export type NodeType = ExplorerNode['type'];
export type NodeOf<T extends NodeType, S extends SourceKey = SourceKey> = Extract<
  ExplorerNode<S>,
  { type: T }
>;

export function nodeId(node: ExplorerNode): string {
  const s = node.source.id;
  switch (node.type) {
    case 'source':
      return s;
    case 'message':
      return `${s}|msg|${node.key}`;
    case 'namespace':
      return `${s}|ns|${node.name}`;
    case 'group':
      return `${s}|ns|${node.namespace}|${node.kind}`;
    case 'workload':
      return `${s}|ns|${node.namespace}|${node.kind}|${node.name}`;
    case 'pod':
      return node.owner
        ? `${s}|ns|${node.namespace}|${node.owner.kind}|${node.owner.name}|pod|${node.name}`
        : `${s}|ns|${node.namespace}|Pod|pod|${node.name}`;
    case 'services':
      return `${s}|ns|${node.namespace}|Service`;
    case 'service':
      return `${s}|ns|${node.namespace}|Service|${node.name}`;
    case 'nodes':
      return `${s}|nodes`;
    case 'forwards':
      return `${s}|fwd`;
    case 'forward':
      return `${s}|fwd|${node.key}`;
    case 'node':
      return `${s}|nodes|${node.name}`;
    case 'applications':
      return `${s}|apps`;
    case 'application':
      return `${s}|apps|${node.namespace}/${node.name}`;
  }
}

export function parentOf<S extends SourceKey>(node: ExplorerNode<S>): ExplorerNode<S> | undefined {
  const source = node.source;
  switch (node.type) {
    case 'source':
      return undefined;
    case 'message':
    case 'namespace':
    case 'nodes':
    case 'applications':
    case 'forwards':
      return { type: 'source', source };
    case 'forward':
      return { type: 'forwards', source };
    case 'group':
    case 'services':
      return { type: 'namespace', source, name: node.namespace };
    case 'service':
      return { type: 'services', source, namespace: node.namespace };
    case 'workload':
      return { type: 'group', source, namespace: node.namespace, kind: node.kind };
    case 'pod':
      return node.owner
        ? {
            type: 'workload',
            source,
            namespace: node.namespace,
            kind: node.owner.kind,
            name: node.owner.name,
          }
        : { type: 'group', source, namespace: node.namespace, kind: 'Pod' };
    case 'node':
      return { type: 'nodes', source };
    case 'application':
      return { type: 'applications', source };
  }
}

export const GROUP_ORDER: readonly (WorkloadKind | 'Pod')[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'Pod',
];

export const GROUP_LABEL: Record<WorkloadKind | 'Pod', string> = {
  Deployment: 'Deployments',
  StatefulSet: 'StatefulSets',
  DaemonSet: 'DaemonSets',
  ReplicaSet: 'ReplicaSets',
  Job: 'Jobs',
  CronJob: 'CronJobs',
  Pod: 'Pods without controller',
};
