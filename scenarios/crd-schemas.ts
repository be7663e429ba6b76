/**
 * Typed `spec` schemas for the CRDs whose objects Shipshape's snippets create (Argo CD
 * Application, Kyverno PolicyException, Velero Schedule), written from those projects' API
 * types: field names, types and required fields, so a snippet's server-side dry run with
 * strict field validation rejects a misspelt or mistyped field as the real CRD would. Nested
 * parts the snippets do not use stay open.
 */
type Schema = Readonly<Record<string, unknown>>;

const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const string: Schema = { type: 'string' };
const boolean: Schema = { type: 'boolean' };
const int64: Schema = { type: 'integer', format: 'int64' };
const strings: Schema = { type: 'array', items: string };
const object = (properties: Record<string, Schema>, required?: readonly string[]): Schema => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});
const array = (items: Schema): Schema => ({ type: 'array', items });

const appSource = object(
  {
    repoURL: string,
    path: string,
    targetRevision: string,
    chart: string,
    ref: string,
    helm: open,
    kustomize: open,
    directory: open,
    plugin: open,
  },
  ['repoURL'],
);

export const applicationSpec: Schema = object(
  {
    project: string,
    source: appSource,
    sources: array(appSource),
    destination: object({ server: string, namespace: string, name: string }),
    syncPolicy: object({
      automated: object({ prune: boolean, selfHeal: boolean, allowEmpty: boolean }),
      syncOptions: strings,
      retry: object({
        limit: int64,
        backoff: object({ duration: string, factor: int64, maxDuration: string }),
      }),
      managedNamespaceMetadata: open,
    }),
    ignoreDifferences: array(open),
    info: array(object({ name: string, value: string }, ['name', 'value'])),
    revisionHistoryLimit: int64,
  },
  ['destination', 'project'],
);

const resourceFilter = object({
  resources: object({
    kinds: strings,
    names: strings,
    namespaces: strings,
    operations: strings,
    annotations: { type: 'object', additionalProperties: string },
    selector: open,
    namespaceSelector: open,
  }),
  subjects: array(open),
  roles: strings,
  clusterRoles: strings,
});

export const policyExceptionSpec: Schema = object(
  {
    background: boolean,
    exceptions: array(object({ policyName: string, ruleNames: strings }, ['policyName', 'ruleNames'])),
    match: object({ any: array(resourceFilter), all: array(resourceFilter) }),
    conditions: open,
    podSecurity: array(open),
  },
  ['exceptions', 'match'],
);

const optionalBoolean: Schema = { type: 'boolean', nullable: true };

export const backupSpec: Schema = object({
  includedNamespaces: strings,
  excludedNamespaces: strings,
  includedResources: strings,
  excludedResources: strings,
  includeClusterResources: optionalBoolean,
  labelSelector: open,
  storageLocation: string,
  volumeSnapshotLocations: strings,
  ttl: string,
  snapshotVolumes: optionalBoolean,
  defaultVolumesToFsBackup: optionalBoolean,
  snapshotMoveData: optionalBoolean,
  csiSnapshotTimeout: string,
  itemOperationTimeout: string,
  hooks: open,
  metadata: open,
  orderedResources: { type: 'object', additionalProperties: string },
});

export const scheduleSpec: Schema = object(
  {
    schedule: string,
    template: backupSpec,
    paused: boolean,
    skipImmediately: optionalBoolean,
    useOwnerReferencesInBackup: boolean,
  },
  ['schedule', 'template'],
);
