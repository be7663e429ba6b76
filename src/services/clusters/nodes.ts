import type { WorkloadKind } from '../../core/k8s/types';
import type { Source } from './sources';

/**
 * Tree elements are plain values rebuilt on every refresh; `id` keeps VS Code's expansion state
 * and selection stable across refreshes (and makes duplicates impossible).
 */
export type ClusterNode =
  | { readonly type: 'source'; readonly source: Source }
  | { readonly type: 'message'; readonly source: Source; readonly key: string }
  | { readonly type: 'namespace'; readonly source: Source; readonly name: string }
  | {
      readonly type: 'group';
      readonly source: Source;
      readonly namespace: string;
      readonly kind: WorkloadKind | 'Pod';
    }
  | {
      readonly type: 'workload';
      readonly source: Source;
      readonly namespace: string;
      readonly kind: WorkloadKind;
      readonly name: string;
    }
  | {
      readonly type: 'pod';
      readonly source: Source;
      readonly namespace: string;
      readonly name: string;
      readonly owner?: { kind: WorkloadKind; name: string };
    }
  | { readonly type: 'services'; readonly source: Source; readonly namespace: string }
  | {
      readonly type: 'service';
      readonly source: Source;
      readonly namespace: string;
      readonly name: string;
    }
  | { readonly type: 'nodes'; readonly source: Source }
  /** The context's active port-forwards; `key` is `forwardKey` of one. */
  | { readonly type: 'forwards'; readonly source: Source }
  | { readonly type: 'forward'; readonly source: Source; readonly key: string }
  | { readonly type: 'node'; readonly source: Source; readonly name: string }
  | { readonly type: 'applications'; readonly source: Source }
  | {
      readonly type: 'application';
      readonly source: Source;
      readonly namespace: string;
      readonly name: string;
    };

export function nodeId(node: ClusterNode): string {
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

export function parentOf(node: ClusterNode): ClusterNode | undefined {
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
