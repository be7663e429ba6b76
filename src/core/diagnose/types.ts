import type { ClusterState } from '../k8s/types';
import type { SelectorRequirement } from './spec';

/**
 * A Secret or ConfigMap as Diagnose may know it: names and keys, never values. Near-misses and
 * missing keys need nothing more, and what is not held cannot leak into a page, a CLI or a log.
 */
export interface NamedKeys {
  readonly namespace: string;
  readonly name: string;
  /** Undefined when only metadata was read (keys unknown, so a missing key cannot be told). */
  readonly keys?: readonly string[];
}

export interface ClaimInfo {
  readonly namespace: string;
  readonly name: string;
  readonly phase?: string;
  readonly storageClassName?: string;
  /** The PersistentVolume it is bound to (spec.volumeName). */
  readonly volumeName?: string;
  readonly finalizers?: readonly string[];
  readonly deletionTimestamp?: string;
}

/** A PersistentVolume as the scheduler's volume filters see it: where it may be attached. */
export interface VolumeInfo {
  readonly name: string;
  /** topology.kubernetes.io/zone|region (and the beta labels) set on the volume. */
  readonly zoneLabels?: Readonly<Record<string, string>>;
  /** spec.nodeAffinity.required.nodeSelectorTerms (any term must match). */
  readonly nodeAffinity?: readonly {
    readonly matchExpressions: readonly SelectorRequirement[];
    readonly matchFields: readonly SelectorRequirement[];
  }[];
}

/** The last lines a container wrote before it was restarted (`pods/log?previous=true`). */
export interface ContainerLog {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Empty: read, and the container wrote nothing. */
  readonly lines: readonly string[];
}

/** An aggregated API (APIService) and whether the API server can reach it. */
export interface APIServiceInfo {
  readonly name: string;
  /** namespace/name of the Service behind it; absent for the API server's own (Local) groups. */
  readonly service?: string;
  readonly available: boolean;
  readonly reason?: string;
  readonly message?: string;
}

/** What the explorer's ClusterState lacks; `undefined` = not read (RBAC, old snapshot): unknown. */
export interface Inventory {
  readonly secrets?: readonly NamedKeys[];
  readonly configMaps?: readonly NamedKeys[];
  readonly claims?: readonly ClaimInfo[];
  readonly volumes?: readonly VolumeInfo[];
  /** Previous containers' logs, for the containers previousLogsWanted names; absent = not read. */
  readonly previousLogs?: readonly ContainerLog[];
  readonly apiServices?: readonly APIServiceInfo[];
}

export interface DiagnoseInput {
  readonly state: ClusterState;
  readonly inventory: Inventory;
  /** ms epoch: a snapshot is judged at its own time. */
  readonly now: number;
}

/** One line of evidence. `cause` lines are the answer; `evidence` supports it; `note` is context. */
export interface Finding {
  readonly level: 'cause' | 'evidence' | 'note';
  readonly text: string;
}

export interface Section {
  readonly title: string;
  readonly findings: readonly Finding[];
  /** Optional table (the per-node filter table): first row is the header. */
  readonly table?: readonly (readonly string[])[];
}

export interface TimelineEntry {
  readonly at?: string;
  readonly object: string;
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  /** ISO time Shipshape first saw the event, set when the API server has deleted it (its TTL). */
  readonly keptSince?: string;
  /** The same, in words for the page: "expired from the API server, kept by Shipshape since 03:12 UTC". */
  readonly kept?: string;
}

/** A next step; `action` names a Shipshape command (a key of src/constants.ts Commands). */
export interface Todo {
  readonly text: string;
  readonly action?: string;
}

export interface Diagnosis {
  readonly namespace: string;
  readonly pod: string;
  /** "Deployment/superset-worker" or "Pod/x" for a naked pod. */
  readonly owner: string;
  readonly reason: string;
  readonly summary: string;
  /** The one-sentence answer, when an explainer found one. */
  readonly verdict?: string;
  readonly sections: readonly Section[];
  readonly timeline: readonly TimelineEntry[];
  /** Set when events the timeline would show have expired on the API server (its TTL). */
  readonly eventsNote?: string;
  readonly todo: readonly Todo[];
}

export const cause = (text: string): Finding => ({ level: 'cause', text });
export const evidence = (text: string): Finding => ({ level: 'evidence', text });
export const note = (text: string): Finding => ({ level: 'note', text });
