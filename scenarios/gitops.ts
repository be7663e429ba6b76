/**
 * The GitOps and policy objects of the platform (scenarios/seeds/gitops.yaml): Argo CD
 * Applications with their sync/health status, Kyverno PolicyExceptions, Velero Schedules.
 */
import type { Writer } from './api';

export interface GitOps {
  readonly applications: readonly { name: string; sync: string; health: string; path: string }[];
  readonly policyExceptions: readonly string[];
  readonly veleroSchedules: readonly { name: string; schedule: string; namespaces: string[]; ttl: string }[];
}

export async function applyGitOps(writer: Writer, gitops: GitOps): Promise<void> {
  await Promise.all(
    gitops.applications.map(async (a) => {
      const app = await writer.create({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: a.name, namespace: 'argocd' },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://github.com/254carbon/platform.git',
            path: a.path,
            targetRevision: 'main',
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: a.name },
          syncPolicy: { automated: { selfHeal: true } },
        },
      });
      await writer.replaceStatus(app, {
        sync: { status: a.sync, revision: '528bb60' },
        health: {
          status: a.health,
          ...(a.health === 'Degraded' ? { message: 'Deployment has pods in CrashLoopBackOff' } : {}),
        },
      });
    }),
  );
  await Promise.all(
    gitops.policyExceptions.map((name) =>
      writer.create({
        apiVersion: 'kyverno.io/v2',
        kind: 'PolicyException',
        metadata: { name: `${name}-exception`, namespace: 'kyverno' },
        spec: {
          exceptions: [{ policyName: 'require-run-as-nonroot', ruleNames: ['run-as-non-root'] }],
          match: {
            any: [{ resources: { kinds: ['Pod'], namespaces: ['data-platform'], names: [`${name}*`] } }],
          },
        },
      }),
    ),
  );
  await Promise.all(
    gitops.veleroSchedules.map((s) =>
      writer.create({
        apiVersion: 'velero.io/v1',
        kind: 'Schedule',
        metadata: { name: s.name, namespace: 'velero' },
        spec: {
          schedule: s.schedule,
          template: { includedNamespaces: s.namespaces, ttl: s.ttl, storageLocation: 'minio' },
        },
      }),
    ),
  );
}
