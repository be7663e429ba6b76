import type { PodState, Scenario, WorkloadSpec } from './model';

const FAILURES: readonly PodState[] = [
  'crashloop',
  'imagepull',
  'unschedulable',
  'notready',
  'oomkilled',
  'configerror',
];

/**
 * The benchmark platform: 20,000 pods in 500 namespaces (10 Deployments × 4 pods each), about
 * 3% failing with varied reasons. Deterministic, so runs compare.
 */
export function largeScenario(
  namespaces = 500,
  deploymentsPerNamespace = 10,
  podsPerDeployment = 4,
): Scenario {
  let n = 0;
  return {
    name: 'large',
    nodes: Array.from({ length: 20 }, (_, i) => ({
      name: `node-${String(i).padStart(2, '0')}`,
      cpu: '64',
      memory: '256Gi',
    })),
    namespaces: Array.from({ length: namespaces }, (_, i) => ({
      name: `team-${String(i).padStart(3, '0')}`,
      workloads: Array.from({ length: deploymentsPerNamespace }, (_, d): WorkloadSpec => {
        const pods: PodState[] = Array.from({ length: podsPerDeployment }, () =>
          ++n % 33 === 0 ? (FAILURES[n % FAILURES.length] ?? 'crashloop') : 'running',
        );
        return {
          kind: 'Deployment',
          name: `svc-${d}`,
          image: `registry.example.com/team-${i}/svc-${d}:1.${d}.0`,
          replicas: podsPerDeployment,
          pods,
        };
      }),
    })),
  };
}
