/**
 * The corpora Shipshape is measured against its peers on (issue 18), written into the bench cache:
 * real checkouts when the environment names them, generated stand-ins of the same shape otherwise.
 *
 * - `BENCH_ARGO_CD`: an argo-cd checkout or bare git dir (manifests/install.yaml,
 *   install-with-hydrator.yaml, core-install.yaml: 3 files, 5.8 MB, big CRDs first);
 * - `BENCH_KUBE_PROMETHEUS`: a kube-prometheus checkout or bare git dir (manifests/: 95 files, mostly CRDs);
 * - `BENCH_K8S_EXAMPLES`: a kubernetes/examples checkout or bare git dir (~250 small YAML files).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crd } from './argo-shaped';
import { corpusDocuments } from './corpus';

export interface Corpus {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly bytes: number;
  /** Where it came from: a real repository (and its commit) or "generated". */
  readonly origin: string;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

function described(name: string, dir: string, origin: string): Corpus {
  const files = yamlFiles(dir);
  return { name, dir, files, bytes: files.reduce((n, f) => n + statSync(f).size, 0), origin };
}

/** Copies `paths` of a checkout (work tree or bare git dir) into `dir`; undefined when it cannot. */
function fromRepository(
  source: string | undefined,
  paths: readonly string[],
  dir: string,
): string | undefined {
  if (!source || !existsSync(source)) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bare = existsSync(join(source, 'HEAD')) && existsSync(join(source, 'objects'));
  const git = bare ? ['--git-dir', source] : ['-C', source];
  try {
    const commit = execFileSync('git', [...git, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    // A snapshot may leave its largest blobs out (git complains on stderr): the paths asked for are there.
    const tar = execFileSync('git', [...git, 'archive', 'HEAD', '--', ...paths], {
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    return commit;
  } catch {
    return undefined;
  }
}

/** 5,000 Deployments, each with its Service, as a chart renders them: 50 files, ~20 MB. */
function deploymentsAndServices(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < 50; f++) {
    const docs: string[] = [];
    for (let j = 0; j < 100; j++) {
      const i = f * 100 + j;
      const app = `svc-${i}`;
      const ns = `team-${i % 25}`;
      const env = Array.from(
        { length: 28 },
        (_, k) => `            - name: SETTING_${k}\n              value: "value-${k}-${i}"`,
      ).join('\n');
      docs.push(`# Source: platform/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/instance: release-${i % 7}
    app.kubernetes.io/managed-by: Helm
    helm.sh/chart: platform-1.${i % 10}.0
  annotations:
    deployment.kubernetes.io/revision: "${(i % 5) + 1}"
spec:
  replicas: ${(i % 3) + 1}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
      app.kubernetes.io/instance: release-${i % 7}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app}
        app.kubernetes.io/instance: release-${i % 7}
      annotations:
        checksum/config: ${'0123456789abcdef'.repeat(4)}
    spec:
      serviceAccountName: ${app}
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: "registry.example.com/platform/${app}:1.${i % 20}.${i % 7}"
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-format=json", "--metrics-port=9090"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: metrics
              containerPort: 9090
              protocol: TCP
          env:
${env}
          resources:
            requests:
              cpu: ${(i % 4) * 100 + 100}m
              memory: ${(i % 4) * 128 + 128}Mi
            limits:
              memory: ${(i % 4) * 256 + 256}Mi
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 15
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: ${i % 4 !== 0}
            capabilities:
              drop: ["ALL"]
---
apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${i % 50 === 0 ? `${app}-old` : app}
    app.kubernetes.io/instance: release-${i % 7}
  ports:
    - name: http
      port: 80
      targetPort: http
`);
    }
    writeFileSync(join(dir, `release-${String(f).padStart(2, '0')}.yaml`), docs.join('---\n'));
  }
}

/** Argo CD's install shape: three ~1.9 MB files, big CRDs first, then the controllers and RBAC. */
function argoShapedCorpus(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const crds = [crd('Application', 4, 5), crd('ApplicationSet', 4, 5), crd('AppProject', 3, 5)];
  const rest = corpusDocuments(120);
  for (const name of ['install', 'install-with-hydrator', 'core-install'])
    writeFileSync(join(dir, `${name}.yaml`), [...crds, ...rest].join('---\n'));
}

/** kube-prometheus' `manifests/` shape: 95 files, six of them big CRDs (most of the bytes), the rest small objects. */
function prometheusShapedCorpus(dir: string): void {
  mkdirSync(join(dir, 'setup'), { recursive: true });
  const kinds = ['Alertmanager', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusRule'];
  for (let i = 0; i < 6; i++)
    writeFileSync(
      join(dir, 'setup', `0${i}-${kinds[i % kinds.length] ?? 'Crd'}CustomResourceDefinition.yaml`),
      crd(`${kinds[i % kinds.length] ?? 'Crd'}${i}`, 4, 5),
    );
  const docs = corpusDocuments(178);
  for (let f = 0; f < 89; f++)
    writeFileSync(
      join(dir, `component-${String(f).padStart(2, '0')}.yaml`),
      [docs[2 * f], docs[2 * f + 1]].join('---\n'),
    );
}

/** kubernetes/examples' shape: ~250 small files of one to three objects (0.7 MB). */
function examplesShapedCorpus(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const docs = corpusDocuments(1750);
  for (let f = 0; f < 250; f++) {
    const sub = join(dir, `example-${Math.floor(f / 10)}`);
    mkdirSync(sub, { recursive: true });
    const take = (f % 5) + 3;
    writeFileSync(
      join(sub, `manifest-${f}.yaml`),
      Array.from({ length: take }, (_, k) => docs[(f * 2 + k) % docs.length]).join('---\n'),
    );
  }
}

/** Writes (or refreshes) every corpus under `root` and describes them. */
export function benchCorpora(root: string): Corpus[] {
  const corpora: Corpus[] = [];
  const real = (name: string, env: string, paths: readonly string[], generate: (dir: string) => void) => {
    const dir = join(root, name);
    const commit = fromRepository(process.env[env], paths, dir);
    if (commit) {
      corpora.push(described(name, dir, `${env} @ ${commit}`));
      return;
    }
    rmSync(dir, { recursive: true, force: true });
    generate(dir);
    corpora.push(described(name, dir, `generated (set ${env} for the real one)`));
  };
  real(
    'argo-cd-install',
    'BENCH_ARGO_CD',
    ['manifests/install.yaml', 'manifests/install-with-hydrator.yaml', 'manifests/core-install.yaml'],
    argoShapedCorpus,
  );
  real('kube-prometheus', 'BENCH_KUBE_PROMETHEUS', ['manifests'], prometheusShapedCorpus);
  real('k8s-examples', 'BENCH_K8S_EXAMPLES', ['.'], examplesShapedCorpus);
  const generated = join(root, 'deployments-services');
  rmSync(generated, { recursive: true, force: true });
  deploymentsAndServices(generated);
  corpora.push(described('5,000 Deployments + Services', generated, 'generated'));
  return corpora;
}
