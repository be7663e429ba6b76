/**
 * Issue 13's and 18's "60,000-document file (15 MB)": small objects as a generator or a big
 * `kubectl get -o yaml` split writes them, never committed, written at test time. Each group of four
 * documents is a Deployment (findings: resources, probes, security context…), the Service that
 * selects it, a ConfigMap and a ServiceAccount; about 250 bytes a document.
 */
export function manyDocuments(documents: number): string {
  const parts: string[] = [];
  for (let i = 0; parts.length < documents; i++) {
    const name = `app-${i}`;
    const ns = `team-${i % 16}`;
    parts.push(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      serviceAccountName: ${name}
      containers:
        - name: main
          image: registry.example.com/${name}:1.${i % 50}.0
          ports: [{name: http, containerPort: 8080}]
          envFrom: [{configMapRef: {name: ${name}}}]
`,
      `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${name}, tier: web}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: http}]
`,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: ${ns}}
data:
  LOG_LEVEL: info
  UPSTREAM: http://app-${i + 1}.${ns}.svc:80
  FEATURES: checkout,search,recommendations,reviews,wishlist
`,
      `apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: ${ns}}
automountServiceAccountToken: false
`,
    );
  }
  return parts.slice(0, documents).join('---\n');
}
