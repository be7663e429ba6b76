import { KINDS } from '../../core/k8s/kinds';
import { slimObject, slimPod } from '../../core/k8s/slim';
import type { ClusterState } from '../../core/k8s/types';
import type { ResourceType } from './informer';

type StateKey = Exclude<keyof ClusterState, never>;

export interface WatchedResource {
  readonly key: StateKey;
  readonly type: ResourceType;
  readonly project: (raw: Record<string, unknown>) => unknown;
  /** Missing API (a CRD not installed) is normal, not an error. */
  readonly optional?: boolean;
  readonly fieldSelector?: string;
}

/** What the explorer keeps live for each cluster: every kind of the core registry. */
export const WATCHED: readonly WatchedResource[] = KINDS.map((k) => ({
  key: k.list,
  type: { group: k.group, version: k.version, plural: k.plural, kind: k.kind, namespaced: k.namespaced },
  project: k.kind === 'Pod' ? slimPod : slimObject(k.kind),
  ...(k.optional ? { optional: true } : {}),
  ...(k.fieldSelector ? { fieldSelector: k.fieldSelector } : {}),
}));
