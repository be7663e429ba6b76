/**
 * Issue 14's speed target: render + analyse + map of a 30-template chart on save, through the
 * code the editor runs on save (services/charts/render.ts renderRoot), beside a plain
 * `helm template` of the same chart in the same run, so Shipshape's part is measured against
 * helm's own time on the same (loaded) machine.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from '../../src/adapters/render/helm';
import { DEFAULT_LIMITS, runTool } from '../../src/adapters/render/run';
import { lintHelmRender } from '../../src/core/render/helm-map';
import { allRules } from '../../src/core/rules/registry';
import { renderRoot } from '../../src/services/charts/render';
import { ensureTool } from '../harness/paths';
import { fmt, median, percentile, type Report } from './report';

const SERVICES = 10;

/** 10 services × Deployment, Service and ConfigMap = 30 templates, in the idioms real charts use. */
export function writeChart(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: bench\nversion: 0.1.0\n');
  writeFileSync(
    join(dir, 'templates', '_helpers.tpl'),
    [
      '{{- define "bench.fullname" -}}',
      '{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" }}',
      '{{- end }}',
      '{{- define "bench.labels" -}}',
      'app.kubernetes.io/name: {{ .name }}',
      'app.kubernetes.io/instance: {{ .root.Release.Name }}',
      'app.kubernetes.io/managed-by: {{ .root.Release.Service }}',
      '{{- end }}',
      '',
    ].join('\n'),
  );
  const values: string[] = [
    'global:',
    '  registry: registry.example.com',
    '  podSecurityContext:',
    '    runAsNonRoot: true',
    '    seccompProfile:',
    '      type: RuntimeDefault',
  ];
  for (let i = 0; i < SERVICES; i++) {
    const name = `svc${i}`;
    values.push(
      `${name}:`,
      `  replicas: ${1 + (i % 3)}`,
      '  image:',
      `    repository: team/${name}`,
      `    tag: ${i % 4 === 0 ? 'latest' : `1.${i}.0`}`,
      '  ports:',
      '    - name: http',
      `      containerPort: ${8080 + i}`,
      '    - name: metrics',
      '      containerPort: 9090',
      '  env:',
      '    LOG_LEVEL: info',
      `    SERVICE_NAME: ${name}`,
      '  resources:',
      '    requests:',
      '      cpu: 100m',
      `      memory: ${128 + i * 16}Mi`,
      ...(i % 2 === 0 ? ['    limits:', `      memory: ${256 + i * 16}Mi`] : []),
      '  securityContext:',
      '    allowPrivilegeEscalation: false',
      ...(i % 3 === 0 ? [] : ['    readOnlyRootFilesystem: true']),
      '  config:',
      '    feature.a: "on"',
      `    feature.b: "${i}"`,
    );
    const ctx = `(dict "root" $ "name" "${name}")`;
    writeFileSync(
      join(dir, 'templates', `${name}-deployment.yaml`),
      [
        `{{- $v := .Values.${name} }}`,
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: {{ include "bench.fullname" ${ctx} }}`,
        '  labels:',
        `    {{- include "bench.labels" ${ctx} | nindent 4 }}`,
        'spec:',
        '  replicas: {{ $v.replicas }}',
        '  selector:',
        '    matchLabels:',
        `      app.kubernetes.io/name: ${name}`,
        '  template:',
        '    metadata:',
        '      labels:',
        `        {{- include "bench.labels" ${ctx} | nindent 8 }}`,
        '    spec:',
        '      securityContext:',
        '        {{- toYaml .Values.global.podSecurityContext | nindent 8 }}',
        '      containers:',
        `        - name: ${name}`,
        '          image: "{{ .Values.global.registry }}/{{ $v.image.repository }}:{{ $v.image.tag }}"',
        '          ports:',
        '            {{- range $v.ports }}',
        '            - name: {{ .name }}',
        '              containerPort: {{ .containerPort }}',
        '            {{- end }}',
        '          env:',
        '            {{- range $k, $val := $v.env }}',
        '            - name: {{ $k }}',
        '              value: {{ $val | quote }}',
        '            {{- end }}',
        '          {{- with $v.resources }}',
        '          resources:',
        '            {{- toYaml . | nindent 12 }}',
        '          {{- end }}',
        '          securityContext:',
        '            {{- toYaml $v.securityContext | nindent 12 }}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'templates', `${name}-service.yaml`),
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        `  name: {{ include "bench.fullname" ${ctx} }}`,
        'spec:',
        '  selector:',
        `    app.kubernetes.io/name: ${name}`,
        '  ports:',
        `    {{- range .Values.${name}.ports }}`,
        '    - name: {{ .name }}',
        '      port: {{ .containerPort }}',
        '      targetPort: {{ .name }}',
        '    {{- end }}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'templates', `${name}-configmap.yaml`),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        `  name: {{ include "bench.fullname" ${ctx} }}-config`,
        'data:',
        `  {{- toYaml .Values.${name}.config | nindent 2 }}`,
        '',
      ].join('\n'),
    );
  }
  writeFileSync(join(dir, 'values.yaml'), `${values.join('\n')}\n`);
}

export async function benchCharts(report: Report, cache: string, runs: number): Promise<void> {
  const helm = ensureTool('ensure-helm.mjs');
  const dir = join(cache, 'chart-30');
  writeChart(dir);
  const options = { rules: allRules };
  const limits = DEFAULT_LIMITS;
  const request = {
    helm,
    chart: dir,
    release: 'chart-30',
    namespace: 'default',
    values: [],
    set: [],
    limits,
  };
  // One warm-up: the first helm start and the first analysis pay for caches nobody pays on save.
  await renderRoot({ kind: 'helm', dir }, helm, options, limits, { namespace: 'default' });
  const kinds = ['values', 'template'] as const;
  const helmAlone: number[] = [];
  const total: number[] = [];
  const byKind = { values: [] as number[], template: [] as number[] };
  const helmByKind = { values: [] as number[], template: [] as number[] };
  const analysis: number[] = [];
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    // Each run is a save: a value changed (the same keys), or a template line added.
    const kind = kinds[i % 2] as (typeof kinds)[number];
    if (kind === 'values') edit(join(dir, 'values.yaml'), /tag: 1\.1\.\d+/, `tag: 1.1.${i}`);
    else edit(join(dir, 'templates', 'svc0-service.yaml'), /^/, `# save ${i}\n`);
    let t = performance.now();
    const plain = await runTool(helm, ['template', 'chart-30', dir, '--namespace', 'default'], limits);
    const helmMs = performance.now() - t;
    helmAlone.push(helmMs);
    helmByKind[kind].push(helmMs);
    if (plain.code !== 0) throw new Error(`helm template failed: ${plain.stderr}`);
    t = performance.now();
    const result = await renderRoot({ kind: 'helm', dir }, helm, options, limits, { namespace: 'default' });
    const ms = performance.now() - t;
    total.push(ms);
    byKind[kind].push(ms);
    findings = result.marks.length;
    // Analysis + mapping alone, on the same render.
    const outcome = await renderChart(request);
    if (!outcome.ok) throw new Error('the bench chart did not render');
    t = performance.now();
    lintHelmRender(outcome.render, options);
    analysis.push(performance.now() - t);
  }
  const totalP95 = percentile(total, 95);
  report.add({
    section: 'charts',
    metric: `render + analyse + map a 30-template chart on save (${runs} saves, ${findings} findings), p95`,
    value: `${fmt(totalP95, 0)} ms (median ${fmt(median(total), 0)} ms)`,
    target: '≤ 1500 ms',
    verdict: totalP95 <= 1500 ? 'met' : 'missed',
  });
  report.add({
    section: 'charts',
    metric: '`helm template` alone, same chart, same runs (median)',
    value: `${fmt(median(helmAlone), 0)} ms (analysis + mapping alone: ${fmt(median(analysis), 0)} ms)`,
  });
  for (const kind of kinds) {
    const helmMs = median(helmByKind[kind]);
    const added = median(byKind[kind]) - helmMs;
    const share = added / helmMs;
    report.add({
      section: 'charts',
      metric: `Shipshape’s part on a save of ${kind === 'values' ? 'values.yaml (the probe render reused)' : 'a template (a new probe render)'} vs helm’s own time (medians)`,
      value: `${fmt(added, 0)} ms = ${fmt(share * 100, 0)} % of helm`,
      target: '≤ 25 % of helm',
      verdict: share <= 0.25 ? 'met' : 'missed',
    });
  }
}

function edit(file: string, pattern: RegExp, replacement: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace(pattern, replacement));
}
