import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SUGGESTIONS } from '../../../src/core/health/suggestions';
import { summarise } from '../../../src/core/health/summary';
import { NOW, application, node, quota, state } from '../../support/k8s';

describe('nodes', () => {
  test('pressure conditions that are True are a warning (2) naming every pressure', () => {
    const h = summarise(
      state({
        nodes: [
          node('k8s-worker', {
            Ready: 'True',
            MemoryPressure: 'True',
            DiskPressure: 'True',
            PIDPressure: 'False',
          }),
          node('cpu1', { Ready: 'True', MemoryPressure: 'False', NetworkUnavailable: 'False' }),
        ],
      }),
      NOW,
    );
    assert.deepEqual(h.nodes, [
      {
        name: 'k8s-worker',
        ready: true,
        pressures: ['MemoryPressure', 'DiskPressure'],
        unschedulable: false,
      },
      { name: 'cpu1', ready: true, pressures: [], unschedulable: false },
    ]);
    assert.deepEqual(
      h.problems.map((p) => [p.kind, p.reason, p.severity, p.namespace, p.owner, p.message, p.suggestion]),
      [
        [
          'node',
          'MemoryPressure',
          2,
          '',
          { kind: 'Node', name: 'k8s-worker' },
          'MemoryPressure, DiskPressure',
          SUGGESTIONS.memoryPressure,
        ],
      ],
    );
    assert.equal(h.namespaces.length, 0, 'node problems belong to no namespace');
  });

  test('NotReady (Ready False or Unknown, or never reported) is urgent (4), with the kubelet message', () => {
    const lost = node('k8s-worker', { NetworkUnavailable: 'True' });
    lost.status?.conditions?.push({
      type: 'Ready',
      status: 'Unknown',
      message: 'Kubelet stopped posting node status.',
    });
    const h = summarise(state({ nodes: [lost, node('fresh', {}), node('down', { Ready: 'False' })] }), NOW);
    assert.deepEqual(
      h.problems.map((p) => [p.owner.name, p.reason, p.severity, p.message]),
      [
        ['down', 'NodeNotReady', 4, 'Ready is False'],
        ['fresh', 'NodeNotReady', 4, 'no Ready condition reported'],
        ['k8s-worker', 'NodeNotReady', 4, 'Kubelet stopped posting node status. · NetworkUnavailable'],
      ],
    );
    assert.equal(h.problems[0]?.suggestion, SUGGESTIONS.nodeNotReady);
  });

  test('a cordoned node is reported as unschedulable but is not a problem', () => {
    const h = summarise(
      state({ nodes: [node('cpu1', { Ready: 'True' }, { spec: { unschedulable: true } })] }),
      NOW,
    );
    assert.equal(h.nodes[0]?.unschedulable, true);
    assert.equal(h.problems.length, 0);
  });
});

describe('Argo CD applications', () => {
  test('OutOfSync (2), Degraded and Missing (3), Unknown (1); Synced/Healthy and Progressing are fine', () => {
    const apps = [
      application('api-gateway', 'OutOfSync', 'Healthy'),
      application('data-platform', 'OutOfSync', 'Degraded'),
      application('service-mesh', 'OutOfSync', 'Missing'),
      application('monitoring'),
      application('storage', 'Synced', 'Healthy'),
      application('portal-services', 'Synced', 'Progressing'),
    ];
    const h = summarise(state({ applications: apps }), NOW);
    assert.deepEqual(
      h.problems.map((p) => [p.owner.name, p.reason, p.severity, p.kind, p.namespace]),
      [
        ['data-platform', 'Degraded', 3, 'application', 'argocd'],
        ['service-mesh', 'Missing', 3, 'application', 'argocd'],
        ['api-gateway', 'OutOfSync', 2, 'application', 'argocd'],
        ['monitoring', 'Unknown', 1, 'application', 'argocd'],
      ],
    );
    const suggestion = (name: string) => h.problems.find((p) => p.owner.name === name)?.suggestion;
    assert.equal(suggestion('api-gateway'), 'Hard refresh and sync the Argo CD application');
    assert.equal(suggestion('monitoring'), SUGGESTIONS.appUnknown);
    assert.deepEqual(h.applications[3], {
      name: 'monitoring',
      namespace: 'argocd',
      sync: 'Unknown',
      health: 'Unknown',
    });
    assert.equal(h.applications.length, 6);
  });

  test('a failed sync operation is SyncFailed (3) with the operation message', () => {
    const app = application('data-platform', 'OutOfSync', 'Healthy', {
      operationState: {
        phase: 'Failed',
        message: 'one or more objects failed to apply: error converting YAML to JSON: line 39',
      },
    });
    const h = summarise(state({ applications: [app] }), NOW);
    assert.deepEqual(
      h.problems.map((p) => [p.reason, p.severity, p.message, p.suggestion]),
      [
        [
          'SyncFailed',
          3,
          'OutOfSync · Healthy · one or more objects failed to apply: error converting YAML to JSON: line 39',
          SUGGESTIONS.syncFailed,
        ],
      ],
    );
  });
});

describe('resource quotas', () => {
  const used = (cpu: string, memory = '10Gi') =>
    quota(
      'kafka-quota',
      'kafka',
      { 'requests.cpu': '20', 'requests.memory': '50Gi' },
      { 'requests.cpu': cpu, 'requests.memory': memory },
    );

  test('used ≥ 90% of hard for any resource is a warning naming the tight resources, tightest first', () => {
    const h = summarise(state({ resourceQuotas: [used('19500m', '46Gi')] }), NOW);
    assert.deepEqual(
      h.problems.map((p) => [p.kind, p.reason, p.severity, p.namespace, p.owner, p.message, p.suggestion]),
      [
        [
          'quota',
          'QuotaNearLimit',
          2,
          'kafka',
          { kind: 'ResourceQuota', name: 'kafka-quota' },
          'requests.cpu 98% (19500m of 20), requests.memory 92% (46Gi of 50Gi)',
          SUGGESTIONS.quota,
        ],
      ],
    );
  });

  test('at the limit it is severity 3; below 90% nothing; the threshold is an option', () => {
    assert.equal(summarise(state({ resourceQuotas: [used('20')] }), NOW).problems[0]?.severity, 3);
    assert.equal(summarise(state({ resourceQuotas: [used('17')] }), NOW).problems.length, 0);
    const lower = summarise(state({ resourceQuotas: [used('12')] }), NOW, { quotaThreshold: 0.5 });
    assert.equal(lower.problems[0]?.message, 'requests.cpu 60% (12 of 20)');
  });

  test('object counts, spec.hard when status has none, and unparsable quantities ignored', () => {
    const counts = quota(
      'pvc-quota',
      'data-platform',
      { persistentvolumeclaims: '30', pods: '50' },
      { persistentvolumeclaims: '30', pods: 'lots' },
    );
    const noStatusHard = { ...counts, status: { used: { persistentvolumeclaims: '29' } } };
    const h = summarise(state({ resourceQuotas: [counts, noStatusHard] }), NOW);
    assert.deepEqual(
      h.problems.map((p) => p.message),
      ['persistentvolumeclaims 100% (30 of 30)', 'persistentvolumeclaims 97% (29 of 30)'],
    );
  });
});
