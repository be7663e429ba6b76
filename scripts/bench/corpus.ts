import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A deterministic corpus of varied manifests: workloads of every pod carrier, Services, PDBs,
 * HPAs, ConfigMaps, RBAC — with comments, flow maps, indentless sequences and hardening gaps,
 * so every rule family does real work.
 */
export function corpusDocuments(count: number): string[] {
  const docs: string[] = [];
  const images = [
    'nginx:1.27',
    'trinodb/trino:435',
    'bitnami/redis:7.2-debian-12',
    'apache/superset:latest',
    'grafana/grafana@sha256:' + 'a'.repeat(64),
    'python:3.10',
  ];
  for (let i = 0; i < count; i++) {
    const ns = `ns-${i % 40}`;
    const app = `app-${i}`;
    const image = images[i % images.length] ?? 'nginx:1.27';
    switch (i % 8) {
      case 0:
      case 1:
      case 2:
        docs.push(`# ${app}: web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels: {app: ${app}, tier: web}
spec:
  replicas: ${(i % 4) + 1}
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
        tier: web
    spec:
      containers:
        - name: main
          image: "${image}"
          ports:
            - {name: http, containerPort: 8080}
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_HOST
              value: postgres.data-platform.svc
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            ${i % 3 === 0 ? 'limits: {memory: 256Mi}' : 'limits: {}'}
          ${i % 2 === 0 ? 'readinessProbe:\n            httpGet: {path: /health, port: http}' : 'securityContext:\n            runAsNonRoot: true'}
`);
        break;
      case 3:
        docs.push(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  serviceName: ${app}
  replicas: 3
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}}
    spec:
      securityContext:
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: db
        image: "${image}"
        securityContext:
          privileged: ${i % 5 === 0}
          capabilities:
            add: [NET_BIND_SERVICE]
        volumeMounts:
        - {name: data, mountPath: /data}
      volumes:
      - name: data
        hostPath: {path: /var/lib/${app}}
`);
        break;
      case 4:
        docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  type: ${i % 3 === 0 ? 'NodePort' : 'ClusterIP'}
  selector:
    app: app-${i - 4}
  ports:
    - name: http
      port: 80
      targetPort: http
`);
        break;
      case 5:
        docs.push(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  schedule: "${i % 60} 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: etl
            image: ${image}
            command: ["/bin/sh", "-c", "python /scripts/run.py --date=$(date +%F)"]
`);
        break;
      case 6:
        docs.push(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-${i - 6}-pdb
  namespace: ${ns}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: app-${i - 6}
`);
        break;
      default:
        docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  namespace: ${ns}
data:
  app.properties: |
    server.port=8080
    cache.enabled=true
  level: debug
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${app}-reader
  namespace: ${ns}
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list", "watch"]
`);
    }
  }
  return docs;
}

/** Writes the corpus as `files` files; returns their paths and total bytes. */
export function writeCorpus(
  dir: string,
  documents: number,
  files: number,
): { paths: string[]; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const docs = corpusDocuments(documents);
  const per = Math.ceil(docs.length / files);
  const paths: string[] = [];
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const text = docs.slice(f * per, (f + 1) * per).join('---\n');
    if (!text) continue;
    const path = join(dir, `corpus-${String(f).padStart(3, '0')}.yaml`);
    writeFileSync(path, text);
    paths.push(path);
    bytes += Buffer.byteLength(text);
  }
  return { paths, bytes };
}
