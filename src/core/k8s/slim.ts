import { annotationsDigest } from './change-mark';
import { MANAGEMENT_ANNOTATIONS } from './management';
import type { Container, ContainerStatus, KubeObject, ObjectMeta, Pod } from './types';

/**
 * Projections that keep what the explorer, health model and runbook checks read, and drop the
 * rest (managedFields, env, volumes, full specs). A 20,000-pod cluster held whole costs hundreds
 * of megabytes; slim it costs tens. Full objects are fetched on demand (describe, live YAML).
 */
type Json = Record<string, unknown>;

const pick = <T extends object>(
  source: T | undefined,
  keys: readonly (keyof T)[],
): Partial<T> | undefined => {
  if (!source) return undefined;
  const out: Partial<T> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
};

export function slimMeta(meta: ObjectMeta | undefined): ObjectMeta {
  const out = slimBase(meta);
  // Who deploys it (Helm, Argo CD) is all live → source needs of the annotations.
  const kept = Object.entries(meta?.annotations ?? {}).filter(([k]) => MANAGEMENT_ANNOTATIONS.includes(k));
  if (kept.length > 0) out.annotations = Object.fromEntries(kept);
  // The drift lens compares annotations too (see change-mark.ts).
  if (meta?.annotations) out.annotationsDigest = annotationsDigest(meta.annotations);
  return out;
}

function slimBase(meta: ObjectMeta | undefined): ObjectMeta {
  return (
    pick(meta, [
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'labels',
      'ownerReferences',
      'finalizers',
    ]) ?? {}
  );
}

function slimContainer(c: Container): Container {
  const out: Container = { name: c.name };
  if (c.image !== undefined) out.image = c.image;
  if (c.resources !== undefined) out.resources = c.resources;
  if (c.ports !== undefined) out.ports = c.ports;
  return out;
}

function slimStatus(s: ContainerStatus): ContainerStatus {
  return pick(s, [
    'name',
    'ready',
    'started',
    'restartCount',
    'image',
    'imageID',
    'state',
    'lastState',
  ]) as ContainerStatus;
}

export function slimPod(raw: Json): Pod {
  const pod = raw as Pod;
  const spec = pod.spec;
  const status = pod.status;
  const out: Pod = { kind: 'Pod', metadata: slimMeta(pod.metadata) };
  if (spec) {
    out.spec = {};
    if (spec.containers) out.spec.containers = spec.containers.map(slimContainer);
    if (spec.initContainers) out.spec.initContainers = spec.initContainers.map(slimContainer);
    if (spec.nodeName !== undefined) out.spec.nodeName = spec.nodeName;
    if (spec.serviceAccountName !== undefined) out.spec.serviceAccountName = spec.serviceAccountName;
    if (spec.terminationGracePeriodSeconds !== undefined)
      out.spec.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds;
    if (spec.restartPolicy !== undefined) out.spec.restartPolicy = spec.restartPolicy;
  }
  if (status) {
    out.status = pick(status, ['phase', 'reason', 'message', 'conditions', 'startTime']) ?? {};
    if (status.containerStatuses) out.status.containerStatuses = status.containerStatuses.map(slimStatus);
    if (status.initContainerStatuses)
      out.status.initContainerStatuses = status.initContainerStatuses.map(slimStatus);
  }
  return out;
}

/** Workloads, Jobs, CronJobs, PDBs, quotas…: metadata slimmed, spec and status kept minus the
 * pod template's bulk (containers keep names, images and resources). */
export function slimObject<T extends KubeObject>(kind: string): (raw: Json) => T {
  return (raw) => {
    const object = raw as Json & KubeObject;
    const out: Json = { kind, metadata: slimMeta(object.metadata) };
    if (object['apiVersion'] !== undefined) out['apiVersion'] = object['apiVersion'];
    for (const key of [
      'spec',
      'status',
      'involvedObject',
      'reason',
      'message',
      'type',
      'count',
      'firstTimestamp',
      'lastTimestamp',
      'eventTime',
    ]) {
      if (object[key] !== undefined) out[key] = key === 'spec' ? slimSpec(object[key] as Json) : object[key];
    }
    return out as T;
  };
}

function slimSpec(spec: Json): Json {
  const template = spec['template'] as
    { metadata?: ObjectMeta; spec?: { containers?: Container[] } } | undefined;
  const jobTemplate = spec['jobTemplate'] as { spec?: Json } | undefined;
  if (!template && !jobTemplate) return spec;
  const out: Json = { ...spec };
  if (template) {
    out['template'] = {
      metadata: pick(template.metadata, ['labels', 'annotations']) ?? {},
      spec: { containers: (template.spec?.containers ?? []).map(slimContainer) },
    };
  }
  if (jobTemplate?.spec) out['jobTemplate'] = { ...jobTemplate, spec: slimSpec(jobTemplate.spec) };
  return out;
}
