import type { ObjectMeta, OwnerReference } from './types';

/** A Helm release an object belongs to, as its labels and Helm's annotations say. */
export interface HelmRelease {
  readonly release: string;
  /** `meta.helm.sh/release-namespace` (only `helm install/upgrade` writes it). */
  readonly namespace?: string;
  /** From `helm.sh/chart: <chart>-<version>`. */
  readonly chart?: string;
  readonly version?: string;
}

/** The Argo CD Application that tracks an object. */
export interface ArgoApp {
  readonly app: string;
  /** The Application's own namespace, when the tracking id names one (`ns_app`). */
  readonly namespace?: string;
}

/** Who deploys an object: a Helm release, an Argo CD app, or both (Argo CD rendering a chart). */
export interface Management {
  readonly helm?: HelmRelease;
  readonly argo?: ArgoApp;
  /** The object whose metadata said so (a pod's top-level owner, or the object itself). */
  readonly object: { readonly kind: string; readonly name: string; readonly namespace?: string };
}

const RELEASE_NAME = 'meta.helm.sh/release-name';
const RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';
const TRACKING_ID = 'argocd.argoproj.io/tracking-id';

/** The metadata annotations `managementOf` reads (a slimmed cluster state keeps only these). */
export const MANAGEMENT_ANNOTATIONS: readonly string[] = [RELEASE_NAME, RELEASE_NAMESPACE, TRACKING_ID];

/**
 * Argo CD's annotation tracking id: `<app>:<group>/<kind>:<namespace>/<name>`, the app written
 * `<namespace>_<app>` for Applications outside Argo CD's own namespace.
 */
export function parseTrackingId(
  id: string,
): (ArgoApp & { readonly kind: string; readonly name: string }) | undefined {
  const m = /^([^:]+):([^/:]*)\/([^:]+):([^/]*)\/(.+)$/.exec(id.trim());
  if (!m) return undefined;
  const [, appPart = '', , kind = '', , name = ''] = m;
  const us = appPart.indexOf('_');
  const app = us > 0 ? appPart.slice(us + 1) : appPart;
  return { app, ...(us > 0 ? { namespace: appPart.slice(0, us) } : {}), kind, name };
}

/** `trino-0.2.1` → trino, 0.2.1 (a chart name may hold dashes and digits; the version starts at the last `-<digit>`). */
export function parseChartLabel(value: string): { chart: string; version?: string } {
  const m = /^(.+?)-(v?\d+(?:\.\d+)*(?:[-+][\w.+-]*)?)$/.exec(value);
  return m ? { chart: m[1] as string, version: m[2] as string } : { chart: value };
}

/** Who manages an object by its own metadata, or undefined when nothing says so. */
export function managementOfMeta(
  kind: string,
  meta: Pick<ObjectMeta, 'name' | 'namespace' | 'labels' | 'annotations'> | undefined,
): Management | undefined {
  if (!meta) return undefined;
  const labels = meta.labels ?? {};
  const annotations = meta.annotations ?? {};
  const tracked = annotations[TRACKING_ID] ? parseTrackingId(annotations[TRACKING_ID]) : undefined;
  // Argo CD's label tracking with a custom label (the default label is also Helm's instance label).
  const argoLabel = labels['argocd.argoproj.io/instance'];
  const argo: ArgoApp | undefined = tracked
    ? { app: tracked.app, ...(tracked.namespace ? { namespace: tracked.namespace } : {}) }
    : argoLabel
      ? { app: argoLabel }
      : undefined;
  const chartLabel = labels['helm.sh/chart'];
  const byLabel = labels['app.kubernetes.io/managed-by']?.toLowerCase() === 'helm';
  const release = annotations[RELEASE_NAME] ?? (byLabel ? labels['app.kubernetes.io/instance'] : undefined);
  const chart = chartLabel ? parseChartLabel(chartLabel) : undefined;
  const helm: HelmRelease | undefined = release
    ? {
        release,
        ...(annotations[RELEASE_NAMESPACE] ? { namespace: annotations[RELEASE_NAMESPACE] } : {}),
        ...(chart ? { chart: chart.chart, ...(chart.version ? { version: chart.version } : {}) } : {}),
      }
    : undefined;
  if (!helm && !argo) return undefined;
  return {
    ...(helm ? { helm } : {}),
    ...(argo ? { argo } : {}),
    object: { kind, name: meta.name ?? '', ...(meta.namespace ? { namespace: meta.namespace } : {}) },
  };
}

/** What `managementOf` needs of the cluster: an object's metadata by kind, namespace and name. */
export type MetaLookup = (
  kind: string,
  namespace: string | undefined,
  name: string,
) => ObjectMeta | undefined;

/**
 * Who manages a live object: its own labels and annotations, else those of its controller chain
 * (a pod → ReplicaSet → Deployment; a Job → CronJob), since charts and Argo CD label the
 * objects they write and controllers do not copy those labels to what they create.
 */
export function managementOf(
  kind: string,
  meta: ObjectMeta | undefined,
  lookup?: MetaLookup,
): Management | undefined {
  let currentKind = kind;
  let current = meta;
  for (let depth = 0; current && depth < 5; depth++) {
    const found = managementOfMeta(currentKind, current);
    if (found) return found;
    const owner: OwnerReference | undefined =
      current.ownerReferences?.find((o) => o.controller) ?? current.ownerReferences?.[0];
    if (!owner || !lookup) return undefined;
    currentKind = owner.kind;
    current = lookup(owner.kind, current.namespace, owner.name);
  }
  return undefined;
}

/** Why Shipshape does not apply a managed object, and what to do instead. */
export function managedRefusal(m: Management): string {
  if (m.argo) {
    const helm = m.helm ? ` (Helm release ${m.helm.release})` : '';
    return `managed by Argo CD app ${m.argo.app}: commit and sync (argocd app sync ${m.argo.app})${helm}; Argo CD would revert a direct apply`;
  }
  const helm = m.helm as HelmRelease;
  const ns = helm.namespace ? ` -n ${helm.namespace}` : '';
  return `managed by Helm release ${helm.release}: helm upgrade ${helm.release}${ns} with the changed chart or values; the next upgrade would revert a direct apply`;
}
