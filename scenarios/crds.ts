/**
 * CustomResourceDefinitions for the platform's operators (Argo CD, Kyverno, Velero, Strimzi):
 * typed specs for the kinds Shipshape's snippets create (see crd-schemas.ts), open structural
 * schemas for the rest, status subresources where the real CRDs have them.
 */
import { applicationSpec, backupSpec, policyExceptionSpec, scheduleSpec } from './crd-schemas';

const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function crd(
  group: string,
  kind: string,
  plural: string,
  versions: readonly string[],
  scope: 'Namespaced' | 'Cluster',
  status: boolean,
  shortNames: string[] = [],
  spec: Readonly<Record<string, unknown>> = open,
) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: {
        kind,
        plural,
        singular: kind.toLowerCase(),
        listKind: `${kind}List`,
        ...(shortNames.length ? { shortNames } : {}),
      },
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === versions.length - 1,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec, ...(status ? { status: open } : {}) },
          },
        },
        ...(status ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

export const PLATFORM_CRDS = [
  crd(
    'argoproj.io',
    'Application',
    'applications',
    ['v1alpha1'],
    'Namespaced',
    true,
    ['app', 'apps'],
    applicationSpec,
  ),
  crd('argoproj.io', 'AppProject', 'appprojects', ['v1alpha1'], 'Namespaced', true, ['appproj']),
  crd(
    'kyverno.io',
    'PolicyException',
    'policyexceptions',
    ['v2beta1', 'v2'],
    'Namespaced',
    false,
    ['polex'],
    policyExceptionSpec,
  ),
  crd('velero.io', 'Schedule', 'schedules', ['v1'], 'Namespaced', true, [], scheduleSpec),
  crd('velero.io', 'Backup', 'backups', ['v1'], 'Namespaced', true, [], backupSpec),
  crd('kafka.strimzi.io', 'Kafka', 'kafkas', ['v1beta2'], 'Namespaced', true, ['k']),
  crd('monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors', ['v1'], 'Namespaced', false, ['smon']),
];
