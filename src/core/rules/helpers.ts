import { isMap, type YAMLMap } from 'yaml';
import { bool, get, getMap, getMapPath, pairOf, scalar, str } from '../manifest/nodes';
import {
  POD_CARRIERS,
  containersOf,
  podSpecOf,
  type ContainerGroup,
  type ContainerRef,
  type PodSpecRef,
} from '../manifest/objects';
import type { FixContext, RuleContext } from './types';

export const podCarriers: ReadonlySet<string> = POD_CARRIERS;
export const workloadKinds: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
]);
export const scalableKinds: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
]);

/** Calls `fn` for every container of the object's pod spec (all groups by default). */
export function eachContainer(
  ctx: RuleContext | FixContext,
  fn: (container: ContainerRef, spec: PodSpecRef) => void,
  groups?: readonly ContainerGroup[],
): void {
  const spec = podSpecOf(ctx.object);
  if (!spec) return;
  for (const container of containersOf(spec, ctx.object, groups)) fn(container, spec);
}

/** The container a finding is about (by `data.group` + `data.index`, falling back to its name). */
export function findingContainer(ctx: FixContext): { container: ContainerRef; spec: PodSpecRef } | undefined {
  const spec = podSpecOf(ctx.object);
  if (!spec) return undefined;
  const all = containersOf(spec, ctx.object);
  const data = ctx.finding.data ?? {};
  const container =
    all.find((c) => c.group === data['group'] && c.index === data['index']) ??
    all.find((c) => c.name === ctx.finding.container);
  return container ? { container, spec } : undefined;
}

export function containerData(c: ContainerRef): Record<string, string | number> {
  return { group: c.group, index: c.index };
}

/** `securityContext.<key>` of a container, or of the pod when the container does not set it. */
export function effectiveSecurityValue(ctx: RuleContext, container: YAMLMap, spec: YAMLMap, key: string) {
  const own = get(getMap(container, 'securityContext', ctx.doc), key, ctx.doc);
  if (own !== undefined) return { node: own, value: scalar(own), level: 'container' as const };
  const pod = get(getMap(spec, 'securityContext', ctx.doc), key, ctx.doc);
  if (pod !== undefined) return { node: pod, value: scalar(pod), level: 'pod' as const };
  return undefined;
}

/** Where "this key is missing" should point: the container's name, else the container map. */
export function containerAnchor(c: ContainerRef) {
  return pairOf(c.node, 'name') ?? c.node;
}

export function podSpecAnchor(ctx: RuleContext, spec: PodSpecRef) {
  const parentPath = spec.path.slice(0, -1);
  // A Pod's spec hangs off the object itself: point at its `spec:` key, not the whole map.
  const parent = parentPath.length > 0 ? getMapPath(ctx.object.node, parentPath, ctx.doc) : ctx.object.node;
  return (parent && pairOf(parent, 'spec')?.key) ?? spec.spec;
}

export function isTrue(map: YAMLMap | undefined, key: string, ctx: RuleContext): boolean {
  return bool(map, key, ctx.doc) === true;
}

export function templateLabels(ctx: RuleContext | FixContext): Record<string, string> | undefined {
  const spec = podSpecOf(ctx.object);
  const labels = getMap(spec?.podMeta, 'labels', ctx.doc);
  if (!labels) return undefined;
  const out: Record<string, string> = {};
  for (const item of labels.items) {
    const k = scalar(item.key as never);
    const v = scalar(item.value as never);
    if (k !== undefined && k !== null && v !== undefined && v !== null) out[String(k)] = String(v);
  }
  return out;
}

export function objectName(ctx: RuleContext | FixContext): string {
  return ctx.object.identity.name ?? 'workload';
}

export { isMap, str };
