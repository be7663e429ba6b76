/**
 * A generated manifest of any size (20 MB for the big-file tests): never committed, written at
 * test time. It repeats one "unit" — a hardened Deployment with its ServiceAccount, Service, PDB and
 * a dashboard ConfigMap, as a platform's rendered chart output looks — with the unit's number in
 * every name, spread over a few namespaces. Every unit has the same line count, so a finding's
 * unit and its line inside the unit follow from its line number alone.
 */

export interface BigManifest {
  readonly text: string;
  readonly units: number;
  /** Lines per unit, its trailing `---` separator included. */
  readonly unitLines: number;
  /** The unit whose container runs privileged: the file's only error-level finding. */
  readonly privilegedUnit: number;
  /** The text of unit `i` on its own (a file of its five documents). */
  unit(i: number): string;
}

const dashboard = (i: number) => {
  const panels = Array.from(
    { length: 24 },
    (_, p) =>
      `        {"id": ${p + 1}, "type": "timeseries", "title": "checkout-${i} panel ${p + 1}", "gridPos": {"h": 8, "w": 12, "x": ${(p % 2) * 12}, "y": ${Math.floor(p / 2) * 8}},\n         "targets": [{"expr": "sum(rate(http_requests_total{app=\\"checkout-${i}\\", code=~\\"5..\\"}[5m])) by (route)", "refId": "A"}]}`,
  );
  return `{\n      "title": "checkout-${i}",\n      "panels": [\n${panels.join(',\n')}\n      ]\n    }`;
};

function unitText(i: number, privileged: boolean): string {
  const name = `checkout-${i}`;
  const ns = `shop-${i % 8}`;
  return `# ${name}: rendered by the shop chart
# shipshape-disable rolling-update-strategy
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: shop}
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: ${name}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: shop}
    spec:
      serviceAccountName: ${name}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchLabels: {app.kubernetes.io/name: ${name}}}
      containers:
        # shipshape-disable-next-line cpu-limit
        - name: web
          image: registry.example.com/shop/checkout:2.4.${i}
          imagePullPolicy: Always
          ports:
            - {name: http, containerPort: 8080}
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: API_TOKEN, value: s3cr3t-${i}}
          resources:
            requests: {cpu: 100m, memory: 256Mi}
            limits: {memory: 256Mi}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            httpGet: {path: /live, port: http}
          securityContext:
            privileged: ${privileged}
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: {app.kubernetes.io/name: ${name}}
  ports:
    - {name: http, port: 80, targetPort: http}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {app.kubernetes.io/name: ${name}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-dashboard
  namespace: ${ns}
  labels: {grafana_dashboard: "1"}
data:
  ${name}.json: |
    ${dashboard(i)}
`;
}

/** At least `bytes` bytes of manifest (ASCII, so bytes = characters). */
export function bigManifest(bytes: number): BigManifest {
  const sample = unitText(0, false);
  // Unit texts grow with the digits of their number: the estimate only places the privileged unit.
  const privilegedUnit = Math.floor(bytes / (sample.length + 4) / 2);
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const unit = unitText(parts.length, parts.length === privilegedUnit);
    parts.push(unit);
    size += unit.length + '---\n'.length;
  }
  return {
    text: parts.join('---\n'),
    units: parts.length,
    unitLines: sample.split('\n').length,
    privilegedUnit,
    unit: (i) => unitText(i, i === privilegedUnit),
  };
}
