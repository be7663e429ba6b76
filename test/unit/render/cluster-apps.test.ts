import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helmSettings } from '../../../src/core/render/argo-app';
import {
  matchLiveApps,
  notShadowed,
  renderKey,
  repoKey,
  type RootRef,
} from '../../../src/core/render/cluster-apps';

const REPO = 'https://git.example/platform/infrastructure.git';

/** An Application as the API server serves it (status and all). */
const live = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', resourceVersion: '7', generation: 2 },
  spec: { project: 'default', destination: { namespace: 'staging' }, ...spec },
  status,
});
const chart: RootRef = { kind: 'helm', dir: '/ws/helm/charts/data-platform' };
const overlay: RootRef = { kind: 'kustomize', dir: '/ws/kustomize/overlays/prod' };

test('a live Application whose path is a chart of the workspace: matched from the repository root, settings read', () => {
  const apps = [
    live('dp-staging', {
      source: {
        repoURL: REPO,
        path: 'helm/charts/data-platform/',
        helm: {
          releaseName: 'dp',
          valueFiles: ['values.yaml', 'values-staging.yaml'],
          parameters: [{ name: 'superset.replicaCount', value: '3' }],
          valuesObject: { trino: { worker: { replicas: 1 } } },
        },
      },
    }),
    live('policies', { source: { repoURL: REPO, path: 'kustomize/overlays/prod' } }),
    live('elsewhere', { source: { repoURL: REPO, path: 'helm/charts/portal' } }),
    // A chart from a Helm repository is not a folder of the workspace.
    live('redis', { source: { repoURL: 'https://charts.bitnami.com/bitnami', chart: 'redis', path: 'x' } }),
  ];
  const matches = matchLiveApps(apps, [chart, overlay], ['/ws/']);
  assert.deepEqual(
    matches.map((m) => [m.id, m.root.dir, m.repoRoot]),
    [
      ['argocd/dp-staging', chart.dir, '/ws'],
      ['argocd/policies', overlay.dir, '/ws'],
    ],
  );
  const [dp] = matches;
  assert.ok(dp);
  assert.match(dp.matched, /^spec\.source\.path helm\/charts\/data-platform from the repository root/);
  assert.match(dp.matched, /repoURL and targetRevision not compared/);
  const s = helmSettings(dp.app, dp.source);
  assert.equal(s.release, 'dp');
  assert.equal(s.namespace, 'staging');
  assert.deepEqual(s.set, ['superset.replicaCount=3']);
  assert.deepEqual(
    s.valueFiles.map((v) => ('path' in v ? v.path : v.unresolved)),
    ['helm/charts/data-platform/values.yaml', 'helm/charts/data-platform/values-staging.yaml'],
  );
  assert.equal(s.inline?.key, 'valuesObject');
});

test('workspace opened inside the repository: the path matches the end of the folder (two segments or more)', () => {
  const root: RootRef = { kind: 'helm', dir: '/home/me/infra/helm/charts/data-platform' };
  const app = live('dp', { source: { repoURL: REPO, path: 'helm/charts/data-platform' } });
  const [m] = matchLiveApps([app], [root], ['/home/me/infra/helm']);
  assert.equal(m?.repoRoot, '/home/me/infra');
  assert.match(m?.matched ?? '', /matches the end of the folder/);
  // `path: data-platform` would match any folder of that name: only from a known root.
  const short = live('dp', { source: { repoURL: REPO, path: 'data-platform' } });
  assert.deepEqual(matchLiveApps([short], [root], ['/home/me/infra/helm']), []);
  assert.equal(
    matchLiveApps([short], [root], ['/home/me/infra/helm/charts'])[0]?.repoRoot,
    '/home/me/infra/helm/charts',
  );
});

test('two checkouts hold the path: the one rooted at a known repository root wins', () => {
  const a: RootRef = { kind: 'helm', dir: '/ws/a/helm/charts/data-platform' };
  const b: RootRef = { kind: 'helm', dir: '/ws/b/helm/charts/data-platform' };
  const app = live('dp', { source: { repoURL: REPO, path: 'helm/charts/data-platform' } });
  assert.deepEqual(
    matchLiveApps([app], [a, b], ['/ws', '/ws/b']).map((m) => m.root.dir),
    [b.dir],
  );
  assert.deepEqual(
    matchLiveApps([app], [a, b], ['/ws']).map((m) => m.root.dir),
    [a.dir, b.dir],
  );
});

test('multi-source: each source with a path is matched; $values resolves within the same repository', () => {
  const app = live('dp', {
    sources: [
      { repoURL: REPO, path: 'helm/charts/data-platform', helm: { valueFiles: ['$values/env/prod.yaml'] } },
      { repoURL: REPO, ref: 'values' },
    ],
  });
  const [m, ...rest] = matchLiveApps([app], [chart], ['/ws']);
  assert.equal(rest.length, 0);
  assert.ok(m);
  assert.match(m.matched, /^spec\.sources\[0\]\.path/);
  const s = helmSettings(m.app, m.source);
  assert.deepEqual(
    s.valueFiles.map((v) => ('path' in v ? v.path : v.unresolved)),
    ['env/prod.yaml'],
  );
});

test('a workspace Application wins over the live one of the same name', () => {
  const apps = [
    live('data-platform', { source: { path: 'helm/charts/data-platform' } }),
    live('data-platform-canary', { source: { path: 'helm/charts/data-platform' } }),
  ];
  const matches = matchLiveApps(apps, [chart], ['/ws']);
  assert.deepEqual(
    notShadowed(
      matches.map((m) => ({ app: m.app.name })),
      ['data-platform'],
    ).map((p) => p.app),
    ['data-platform-canary'],
  );
});

test('render key: a sync or health status write does not re-render; a parameter edit does', () => {
  const spec = {
    source: { path: 'helm/charts/data-platform', helm: { parameters: [{ name: 'a', value: '1' }] } },
  };
  const before = renderKey(live('dp', spec, { sync: { status: 'Synced' } }));
  assert.equal(
    renderKey(live('dp', spec, { sync: { status: 'OutOfSync' }, health: { status: 'Degraded' } })),
    before,
  );
  const edited = {
    source: { path: 'helm/charts/data-platform', helm: { parameters: [{ name: 'a', value: '2' }] } },
  };
  assert.notEqual(renderKey(live('dp', edited)), before);
});

test("with the checkout's remotes known, an Application of another repository with the same path is not it", () => {
  const apps = [
    live('ours', {
      source: { repoURL: 'https://Git.example/platform/infrastructure', path: 'helm/charts/data-platform' },
    }),
    live('theirs', {
      source: { repoURL: 'https://git.example/other/infrastructure.git', path: 'helm/charts/data-platform' },
    }),
  ];
  const remotes = new Map([['/ws', ['git@git.example:platform/infrastructure.git']]]);
  const said: string[] = [];
  const matches = matchLiveApps(apps, [chart], ['/ws'], remotes, (why) => said.push(why));
  assert.deepEqual(said, [
    'Argo CD app argocd/theirs renders path helm/charts/data-platform of https://git.example/other/infrastructure.git, ' +
      'not of this checkout (/ws: git@git.example:platform/infrastructure.git); not rendered as it',
  ]);
  assert.deepEqual(
    matches.map((m) => m.id),
    ['argocd/ours'],
  );
  assert.match(matches[0]?.matched ?? '', /repoURL is this checkout's remote; targetRevision not compared/);
  // Unknown remotes (no git config readable): the path alone decides, as before.
  assert.deepEqual(
    matchLiveApps(apps, [chart], ['/ws']).map((m) => m.id),
    ['argocd/ours', 'argocd/theirs'],
  );
});

test('one spelling per repository: https, ssh and scp-like URLs, a port, a trailing slash or .git', () => {
  const same = [
    'https://github.com/Org/Repo.git',
    'git@github.com:org/repo.git',
    'ssh://git@github.com/org/repo',
    'ssh://git@github.com:22/org/repo/',
    'http://user@github.com/org/repo/',
  ];
  assert.deepEqual(new Set(same.map(repoKey)), new Set(['github.com/org/repo']));
  assert.notEqual(repoKey('https://github.com/org/repo2'), repoKey('https://github.com/org/repo'));
});
