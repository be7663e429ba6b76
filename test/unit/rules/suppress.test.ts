/**
 * Suppression comments and per-rule severities (`shipshape.rules.<id>`), on real manifests, through
 * both analysis paths: the engine (CLI, fixes) and the editor's incremental analyser.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IncrementalAnalyser } from '../../../src/core/analysis/file-analysis';
import { analyseText, type AnalyseOptions } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import type { Finding } from '../../../src/core/rules/types';

type Settings = Pick<AnalyseOptions, 'severities' | 'include' | 'exclude'>;

/** `rule name Lline severity`, 1-based lines: one string per finding, in file order. */
function view(text: string, findings: readonly Finding[]): string[] {
  return findings.map(
    (f) => `${f.rule} ${f.object.name ?? '?'} L${text.slice(0, f.start).split('\n').length} ${f.severity}`,
  );
}

/** The findings as the CLI sees them, after checking the editor path reports the very same. */
function analyse(text: string, settings: Settings = {}): string[] {
  const config = { rules: allRules, ...settings };
  const engine = view(text, analyseText(text, config).findings);
  const editor = view(text, new IncrementalAnalyser('suppress.yaml', config).update(text).findings);
  assert.deepEqual(editor, engine, 'the editor reports what the engine reports');
  return engine;
}

const only = (findings: readonly string[], rule: string) => findings.filter((f) => f.startsWith(`${rule} `));
const rulesAt = (findings: readonly string[], name: string, line: number) =>
  findings
    .filter((f) => f.split(' ')[1] === name && f.split(' ')[2] === `L${line}`)
    .map((f) => f.split(' ')[0]);

/** A Pod on the host network with a privileged container and a second, unprivileged one; both
 * serve a port (so they are asked for probes) and set some resources (so each missing value is
 * its own finding). */
const pod = (name: string, directive = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  hostNetwork: true
  containers:
    ${directive || '# (no directive)'}
    - name: app
      image: nginx
      securityContext:
        privileged: true
      ports: [{containerPort: 80}]
      resources: {limits: {cpu: "1"}}
    - name: sidecar
      image: nginx
      ports: [{containerPort: 81}]
      resources: {limits: {cpu: "1"}}
`;

describe('baseline', () => {
  test('without directives the manifest reports what the suppression tests rely on', () => {
    const f = analyse(pod('web'));
    assert.deepEqual(only(f, 'host-network'), ['host-network web L6 error']);
    assert.deepEqual(only(f, 'privileged-container'), ['privileged-container web L12 error']);
    assert.deepEqual(only(f, 'cpu-request'), ['cpu-request web L9 warning', 'cpu-request web L15 warning']);
    // Container rules land on the `- name:` line: one line, many rules, both containers alike.
    assert.deepEqual(rulesAt(f, 'web', 9), rulesAt(f, 'web', 15));
    for (const rule of ['cpu-request', 'memory-request', 'liveness-probe', 'readiness-probe'])
      assert.ok(rulesAt(f, 'web', 9).includes(rule), rule);
  });
});

describe('# shipshape-disable-next-line', () => {
  test('silences that rule on the next line only; the other rules of the line still report', () => {
    const f = analyse(pod('web', '# shipshape-disable-next-line cpu-request'));
    assert.deepEqual(
      only(f, 'cpu-request'),
      ['cpu-request web L15 warning'],
      'the sidecar keeps its finding',
    );
    assert.deepEqual(
      rulesAt(f, 'web', 9),
      rulesAt(f, 'web', 15).filter((r) => r !== 'cpu-request'),
    );
    assert.ok(rulesAt(f, 'web', 9).includes('memory-request'));
  });

  test('is about the next line, not the next finding: two lines above it does nothing', () => {
    // Line 8 is the directive, line 9 `- name: app`: privileged-container is on line 12.
    const f = analyse(pod('web', '# shipshape-disable-next-line privileged-container'));
    assert.deepEqual(only(f, 'privileged-container'), ['privileged-container web L12 error']);
  });

  test('several IDs, separated by commas and/or spaces, in one directive', () => {
    const f = analyse(pod('web', '# shipshape-disable-next-line cpu-request, memory-request liveness-probe'));
    const line9 = rulesAt(f, 'web', 9);
    for (const rule of ['cpu-request', 'memory-request', 'liveness-probe'])
      assert.ok(!line9.includes(rule), rule);
    assert.ok(line9.includes('readiness-probe'), 'rules not named are still reported');
    assert.ok(rulesAt(f, 'web', 15).includes('liveness-probe'), 'and the sidecar is untouched');
  });

  test('without IDs silences every rule of the next line, and nothing else', () => {
    const f = analyse(pod('web', '# shipshape-disable-next-line'));
    assert.deepEqual(rulesAt(f, 'web', 9), []);
    assert.deepEqual(only(f, 'image-tag-pinned'), [
      'image-tag-pinned web L10 warning',
      'image-tag-pinned web L16 warning',
    ]);
    assert.ok(rulesAt(f, 'web', 15).includes('cpu-request'));
  });

  test('a mistyped ID silences nothing (it must not widen to "every rule")', () => {
    const typo = analyse(pod('web', '# shipshape-disable-next-line CPU_Request'));
    assert.deepEqual(typo, analyse(pod('web')));
    const near = analyse(pod('web', '# shipshape-disable-next-line cpu-requests'));
    assert.ok(rulesAt(near, 'web', 9).includes('cpu-request'));
  });

  test('a mistyped directive silences nothing and is reported where it stands, in both paths', () => {
    for (const typo of [
      'shipshape-disable-nextline',
      'shipshape-disable-next_line',
      'shipshape-disable-lines',
    ]) {
      const text = pod('web', `# ${typo} cpu-request`);
      assert.deepEqual(analyse(text), analyse(pod('web')), `${typo} widens to nothing`);
      const config = { rules: allRules };
      for (const problems of [
        analyseText(text, config).problems,
        new IncrementalAnalyser('typo.yaml', config).update(text).problems,
      ]) {
        const reported = problems.filter((p) => p.code === 'UNKNOWN_DIRECTIVE');
        assert.equal(reported.length, 1, typo);
        const at = reported[0] as (typeof reported)[number];
        assert.equal(text.slice(at.start, at.end), typo);
        assert.equal(at.severity, 'warning');
        assert.match(at.message, /shipshape-disable-next-line/);
      }
    }
    assert.deepEqual(
      analyseText(pod('web', '# shipshape-disable-next-line cpu-request'), {
        rules: allRules,
      }).problems.filter((p) => p.code === 'UNKNOWN_DIRECTIVE'),
      [],
    );
  });

  test('works in a CRLF file', () => {
    const crlf = pod('web', '# shipshape-disable-next-line cpu-request').replaceAll('\n', '\r\n');
    assert.deepEqual(only(analyse(crlf), 'cpu-request'), ['cpu-request web L15 warning']);
  });
});

describe('# shipshape-disable-line', () => {
  const hostNetwork = (comment: string) =>
    pod('web').replace('  hostNetwork: true\n', `  hostNetwork: true  ${comment}\n`);

  test('trailing on the offending line silences that rule there', () => {
    const f = analyse(hostNetwork('# shipshape-disable-line host-network'));
    assert.deepEqual(only(f, 'host-network'), []);
    assert.deepEqual(only(f, 'privileged-container'), ['privileged-container web L12 error']);
  });

  test('a reason after a second `#` is not read as IDs', () => {
    const f = analyse(
      hostNetwork('# shipshape-disable-line host-network # node exporter: needs the node IP'),
    );
    assert.deepEqual(only(f, 'host-network'), []);
  });

  test('naming another rule leaves the finding on the line', () => {
    const f = analyse(hostNetwork('# shipshape-disable-line host-pid'));
    assert.deepEqual(only(f, 'host-network'), ['host-network web L6 error']);
  });

  test('applies to its own line, not the next one', () => {
    // On `spec:` (line 5): host-network is on line 6; the pod-level rules of line 5 go quiet.
    const f = analyse(pod('web').replace('spec:\n', 'spec:  # shipshape-disable-line\n'));
    assert.deepEqual(only(f, 'host-network'), ['host-network web L6 error']);
    assert.deepEqual(rulesAt(f, 'web', 5), []);
    assert.deepEqual(only(analyse(pod('web')), 'seccomp-profile'), ['seccomp-profile web L5 warning']);
  });
});

describe('# shipshape-disable (document)', () => {
  test('anywhere in a document silences the rule in the whole document, and only that document', () => {
    // The directive sits deep inside the second of three documents.
    const text = [pod('first'), pod('second', '# shipshape-disable privileged-container'), pod('third')].join(
      '---\n',
    );
    const f = analyse(text);
    assert.deepEqual(only(f, 'privileged-container'), [
      'privileged-container first L12 error',
      'privileged-container third L50 error',
    ]);
    assert.deepEqual(only(f, 'host-network'), [
      'host-network first L6 error',
      'host-network second L25 error',
      'host-network third L44 error',
    ]);
  });

  test('the words inside a block scalar or a quoted string are data, not a directive', () => {
    const annotated = pod('web').replace(
      '  name: web\n',
      `  name: web
  annotations:
    note: "# shipshape-disable privileged-container"
    run.sh: |
      # shipshape-disable host-network
      echo hi
`,
    );
    const ruleOf = (f: string) => f.split(' ')[0];
    assert.deepEqual(
      analyse(annotated).map(ruleOf),
      analyse(pod('web')).map(ruleOf),
      'nothing is suppressed',
    );
    assert.deepEqual(
      analyseText(annotated, { rules: allRules }).problems.filter((p) => p.code === 'UNKNOWN_DIRECTIVE'),
      [],
    );
    // The same words as a real comment in that document still count.
    const real = annotated.replace('      echo hi\n', '      echo hi\n  # shipshape-disable host-network\n');
    assert.deepEqual(only(analyse(real), 'host-network'), []);
  });

  test('in the comment before the first key, it belongs to the document below it', () => {
    const text = `# shipshape-disable host-network\n${pod('first')}---\n# shipshape-disable privileged-container\n${pod('second')}`;
    const f = analyse(text);
    assert.deepEqual(only(f, 'host-network'), ['host-network second L27 error']);
    assert.deepEqual(only(f, 'privileged-container'), ['privileged-container first L13 error']);
  });

  test('several IDs, and none for every rule of the document', () => {
    const text = [
      pod('listed', '# shipshape-disable host-network,privileged-container'),
      pod('all', '# shipshape-disable'),
      pod('plain'),
    ].join('---\n');
    const f = analyse(text);
    assert.deepEqual(only(f, 'host-network'), ['host-network plain L44 error']);
    assert.deepEqual(only(f, 'privileged-container'), ['privileged-container plain L50 error']);
    assert.ok(
      only(f, 'cpu-request').some((x) => x.includes(' listed ')),
      'unnamed rules still report',
    );
    assert.deepEqual(
      f.filter((x) => x.split(' ')[1] === 'all'),
      [],
    );
    assert.ok(f.filter((x) => x.split(' ')[1] === 'plain').length > 10);
  });

  test("the editor keeps a reused document's directive with it after an edit elsewhere", () => {
    const third = pod('third', '# shipshape-disable host-network');
    const analyser = new IncrementalAnalyser('suppress.yaml', { rules: allRules });
    analyser.update([pod('first'), pod('second'), third].join('---\n'));
    const after = [pod('first').replace('image: nginx\n', 'image: nginx:1.27\n'), pod('second'), third].join(
      '---\n',
    );
    const edited = analyser.update(after);
    assert.equal(edited.composed, 1, 'only the edited first document is recomposed');
    assert.deepEqual(only(view(after, edited.findings), 'host-network'), [
      'host-network first L6 error',
      'host-network second L25 error',
    ]);
  });
});

describe('severities (shipshape.rules.<id>)', () => {
  test('a severity overrides the default, "off" removes the rule', () => {
    const f = analyse(pod('web'), {
      severities: { 'host-network': 'warning', 'privileged-container': 'off' },
    });
    assert.deepEqual(only(f, 'host-network'), ['host-network web L6 warning']);
    assert.deepEqual(only(f, 'privileged-container'), []);
    assert.deepEqual(only(f, 'cpu-request'), ['cpu-request web L9 warning', 'cpu-request web L15 warning']);
  });

  test('the override wins over a severity the rule picks per finding', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: agent:1.0
      securityContext: {allowPrivilegeEscalation: true}
  volumes:
    - name: etc
      hostPath: {path: /etc}
`;
    assert.deepEqual(only(analyse(text), 'host-path-volume'), ['host-path-volume agent L12 error']);
    assert.deepEqual(only(analyse(text), 'allow-privilege-escalation'), [
      'allow-privilege-escalation agent L9 error',
    ]);
    const f = analyse(text, {
      severities: { 'host-path-volume': 'info', 'allow-privilege-escalation': 'info' },
    });
    assert.deepEqual(only(f, 'host-path-volume'), ['host-path-volume agent L12 info']);
    assert.deepEqual(only(f, 'allow-privilege-escalation'), ['allow-privilege-escalation agent L9 info']);
  });

  test('a severity turns on an opt-in rule; "off" wins over --include', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data: {a: b}
`;
    assert.deepEqual(only(analyse(text), 'default-namespace'), [], 'opt-in: off by default');
    assert.deepEqual(
      only(analyse(text, { severities: { 'default-namespace': 'info' } }), 'default-namespace'),
      ['default-namespace settings L5 info'],
    );
    assert.deepEqual(
      analyse(pod('web'), { severities: { 'cpu-request': 'off' }, include: ['cpu-request'] }),
      [],
    );
  });

  test('a suppression still applies to a rule whose severity was overridden', () => {
    const f = analyse(pod('web', '# shipshape-disable-next-line cpu-request'), {
      severities: { 'cpu-request': 'error' },
    });
    assert.deepEqual(only(f, 'cpu-request'), ['cpu-request web L15 error']);
  });
});
