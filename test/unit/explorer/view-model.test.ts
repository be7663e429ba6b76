/**
 * The explorer view-model without VS Code: which rows each row has, what "only problems"
 * hides, the severity order, and that every row's parent is the row it is listed under.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Expansion } from '../../../src/core/explorer/expansion';
import { nodeId, parentOf, type ExplorerNode } from '../../../src/core/explorer/nodes';
import { ExplorerModel, type ExplorerSources } from '../../../src/core/explorer/view-model';
import { summariseMemoised } from '../../../src/core/health/memo';
import type { ClusterState, Service } from '../../../src/core/k8s/types';
import {
  NOW,
  application,
  crashPod,
  deployment,
  externalName,
  healthyPod,
  imagePullPod,
  node,
  replicaSet,
  state,
} from '../../support/k8s';

interface Src {
  readonly id: string;
}
type Node = ExplorerNode<Src>;

const platform = state({
  deployments: [deployment('web', 'shop', 2), deployment('api', 'shop', 1), deployment('q', 'quiet', 1)],
  replicaSets: [
    replicaSet('web-5d8f', 'shop', 2, 'web'),
    replicaSet('api-7c9b', 'shop', 1, 'api'),
    replicaSet('q-1a2b', 'quiet', 1, 'q'),
  ],
  pods: [
    healthyPod('web-5d8f-aaaaa', { namespace: 'shop', owner: { kind: 'ReplicaSet', name: 'web-5d8f' } }),
    crashPod('web-5d8f-bbbbb', 12, 'Error', {
      namespace: 'shop',
      owner: { kind: 'ReplicaSet', name: 'web-5d8f' },
    }),
    healthyPod('api-7c9b-ccccc', { namespace: 'shop', owner: { kind: 'ReplicaSet', name: 'api-7c9b' } }),
    healthyPod('tools', { namespace: 'shop' }),
    imagePullPod('debug', { namespace: 'shop' }),
    healthyPod('q-1a2b-ddddd', { namespace: 'quiet', owner: { kind: 'ReplicaSet', name: 'q-1a2b' } }),
  ],
  services: [externalName('web', 'shop', 'web.example.com'), externalName('db', 'shop', 'db.example.com')],
  nodes: [node('node-1', { Ready: 'True' })],
  applications: [application('shop', 'Synced', 'Healthy')],
});

interface Options {
  statusRow?: boolean;
  forbidden?: string[];
  forwards?: string[];
  clusterState?: ClusterState;
}

function explorerOf(o: Options = {}) {
  const source: Src = { id: 'ctx' };
  const s = o.clusterState ?? platform;
  const health = summariseMemoised(s, NOW);
  const sources: ExplorerSources<Src> = {
    list: () => [source],
    state: () => s,
    health: () => health,
    clock: () => NOW,
    hasStatusRow: () => o.statusRow ?? false,
    forbiddenNamespaces: () => o.forbidden ?? [],
    forwardKeys: () => o.forwards ?? [],
    services: (st, ns): Service[] =>
      st.services
        .filter((x) => x.metadata?.namespace === ns)
        .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')),
  };
  return { explorer: new ExplorerModel(sources), source };
}

/** A row as the test reads it: its type and its name (or kind for groups). */
const label = (n: Node) =>
  'name' in n
    ? `${n.type} ${n.name}`
    : 'kind' in n
      ? `${n.type} ${n.kind}`
      : 'key' in n
        ? `${n.type} ${n.key}`
        : n.type;
const labels = (nodes: readonly Node[]) => nodes.map(label);

function find(explorer: ExplorerModel<Src>, path: string[]): Node {
  let rows = explorer.children();
  let found: Node | undefined;
  for (const step of path) {
    found = rows.find((r) => label(r) === step);
    assert.ok(found, `${step} among ${labels(rows).join(', ')}`);
    rows = explorer.children(found);
  }
  return found as Node;
}

test('a cluster lists its status and forwards first, then namespaces problems first, nodes and Argo CD apps', () => {
  const { explorer } = explorerOf({ statusRow: true, forwards: ['svc/web:80'] });
  const cluster = find(explorer, ['source']);
  assert.deepEqual(labels(explorer.children(cluster)), [
    'message status',
    'forwards',
    'namespace shop',
    'namespace quiet',
    'nodes',
    'applications',
  ]);
  assert.deepEqual(labels(explorer.children({ type: 'forwards', source: cluster.source })), [
    'forward svc/web:80',
  ]);
});

test('a namespace lists its workload groups in a fixed order, pods without controller, then Services', () => {
  const { explorer } = explorerOf();
  assert.deepEqual(labels(explorer.children(find(explorer, ['source', 'namespace shop']))), [
    'group Deployment',
    'group Pod',
    'services',
  ]);
  assert.deepEqual(labels(explorer.children(find(explorer, ['source', 'namespace shop', 'services']))), [
    'service db',
    'service web',
  ]);
});

test('failing workloads and the most severe pods come first', () => {
  const { explorer } = explorerOf();
  const deployments = find(explorer, ['source', 'namespace shop', 'group Deployment']);
  assert.deepEqual(labels(explorer.children(deployments)), ['workload web', 'workload api']);
  const web = find(explorer, ['source', 'namespace shop', 'group Deployment', 'workload web']);
  const pods = explorer.children(web);
  assert.deepEqual(labels(pods), ['pod web-5d8f-bbbbb', 'pod web-5d8f-aaaaa']);
  assert.deepEqual(
    pods.map((p) => p.type === 'pod' && p.owner),
    [
      { kind: 'Deployment', name: 'web' },
      { kind: 'Deployment', name: 'web' },
    ],
  );
  const bare = find(explorer, ['source', 'namespace shop', 'group Pod']);
  assert.deepEqual(labels(explorer.children(bare)), ['pod debug', 'pod tools']);
});

test('only problems: healthy namespaces, workloads, pods, nodes and Services are hidden', () => {
  const { explorer } = explorerOf();
  explorer.onlyProblems = true;
  assert.deepEqual(labels(explorer.children(find(explorer, ['source']))), ['namespace shop', 'applications']);
  assert.deepEqual(labels(explorer.children(find(explorer, ['source', 'namespace shop']))), [
    'group Deployment',
    'group Pod',
  ]);
  assert.deepEqual(
    labels(explorer.children(find(explorer, ['source', 'namespace shop', 'group Deployment']))),
    ['workload web'],
  );
  assert.deepEqual(
    labels(
      explorer.children(find(explorer, ['source', 'namespace shop', 'group Deployment', 'workload web'])),
    ),
    ['pod web-5d8f-bbbbb'],
  );
  assert.deepEqual(labels(explorer.children(find(explorer, ['source', 'namespace shop', 'group Pod']))), [
    'pod debug',
  ]);
});

test('a namespace the user may not list stays shown, whatever the filter, and is added when health has none', () => {
  const { explorer } = explorerOf({ forbidden: ['quiet', 'secret-ns'] });
  explorer.onlyProblems = true;
  assert.deepEqual(labels(explorer.children(find(explorer, ['source']))), [
    'namespace shop',
    'namespace quiet',
    'namespace secret-ns',
    'applications',
  ]);
});

test('a cluster without state yet shows only its status row; deeper rows have no children', () => {
  const source: Src = { id: 'ctx' };
  const explorer = new ExplorerModel<Src>({
    list: () => [source],
    state: () => undefined,
    health: () => undefined,
    clock: () => NOW,
    hasStatusRow: () => true,
    forbiddenNamespaces: () => [],
    forwardKeys: () => [],
    services: () => [],
  });
  assert.deepEqual(labels(explorer.children({ type: 'source', source })), ['message status']);
  assert.deepEqual(explorer.children({ type: 'namespace', source, name: 'shop' }), []);
  assert.equal(explorer.index(source), undefined);
});

test('pods are classified once per health: the index is kept until the health object changes', () => {
  const { explorer, source } = explorerOf();
  const index = explorer.index(source);
  assert.ok(index);
  assert.equal(index.podHealth.size, platform.pods.length);
  assert.equal(index.podHealth.get('shop/debug')?.class, 'image');
  explorer.children(find(explorer, ['source', 'namespace shop', 'group Pod']));
  assert.equal(explorer.index(source), index);
});

test('every row names the row it is listed under as its parent (reveal walks up by it)', () => {
  const { explorer } = explorerOf({ statusRow: true, forwards: ['svc/web:80'] });
  const seen: string[] = [];
  const walk = (parent: Node | undefined) => {
    for (const child of explorer.children(parent)) {
      const up = parentOf(child);
      assert.equal(up && nodeId(up), parent && nodeId(parent), `parent of ${nodeId(child)}`);
      seen.push(nodeId(child));
      walk(child);
    }
  };
  walk(undefined);
  assert.equal(new Set(seen).size, seen.length, 'ids are unique');
  assert.ok(seen.length > 20, `${seen.length} rows`);
});

test('nodeFor: the row of an object (a pod under its workload), or its namespace when the tree has none', () => {
  const { explorer, source } = explorerOf();
  const pod = explorer.nodeFor(source, { kind: 'Pod', namespace: 'shop', name: 'web-5d8f-bbbbb' });
  assert.deepEqual(pod, {
    type: 'pod',
    source,
    namespace: 'shop',
    name: 'web-5d8f-bbbbb',
    owner: { kind: 'Deployment', name: 'web' },
  });
  assert.deepEqual(explorer.nodeFor(source, { kind: 'Pod', namespace: 'shop', name: 'debug' }), {
    type: 'pod',
    source,
    namespace: 'shop',
    name: 'debug',
  });
  assert.deepEqual(explorer.nodeFor(source, { kind: 'StatefulSet', namespace: 'shop', name: 'db' }), {
    type: 'workload',
    source,
    namespace: 'shop',
    kind: 'StatefulSet',
    name: 'db',
  });
  assert.deepEqual(explorer.nodeFor(source, { kind: 'ResourceQuota', namespace: 'shop', name: 'q' }), {
    type: 'namespace',
    source,
    name: 'shop',
  });
  assert.equal(explorer.nodeFor(source, { kind: 'ClusterRole', name: 'admin' }), undefined);
  assert.deepEqual(explorer.nodeFor(source, { kind: 'Node', name: 'node-1' }), {
    type: 'node',
    source,
    name: 'node-1',
  });
});

test('expansion mirrors VS Code: a row starts as first shown and keeps its state until the user toggles it', () => {
  const e = new Expansion();
  e.list([
    { id: 'prod', startsExpanded: true },
    { id: 'sso', startsExpanded: false },
  ]);
  assert.deepEqual([e.isOpen('prod'), e.isOpen('sso')], [true, false]);
  // `kubectl config use-context sso`: sso's item now says expanded, but its row stays collapsed.
  e.list([
    { id: 'prod', startsExpanded: false },
    { id: 'sso', startsExpanded: true },
  ]);
  assert.deepEqual([e.isOpen('prod'), e.isOpen('sso')], [true, false]);
  e.expand('sso');
  e.collapse('prod');
  assert.deepEqual([e.isOpen('prod'), e.isOpen('sso')], [false, true]);
  // A context removed from the kubeconfig and added again is a new row.
  e.list([{ id: 'sso', startsExpanded: false }]);
  e.list([
    { id: 'prod', startsExpanded: true },
    { id: 'sso', startsExpanded: false },
  ]);
  assert.deepEqual([e.isOpen('prod'), e.isOpen('sso')], [true, true]);
  assert.equal(e.isOpen('unknown'), false);
});
