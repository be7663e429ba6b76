import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { YAMLMap, YAMLSeq } from 'yaml';
import { Commented } from '../../../src/core/edit/emit';
import { applyEdits, minimalEdits, type TextEdit } from '../../../src/core/edit/text-edit';
import { YamlEditor } from '../../../src/core/edit/yaml-edit';
import { getMapPath, getPath } from '../../../src/core/manifest/nodes';
import { parseManifestFile } from '../../../src/core/yaml/parse';

function edit(
  text: string,
  fn: (editor: YamlEditor, root: YAMLMap) => TextEdit | TextEdit[] | undefined,
): string {
  const file = parseManifestFile(text);
  const root = file.documents[0]?.root;
  assert.ok(root, 'document has a root map');
  const result = fn(new YamlEditor(file), root);
  const edits = result === undefined ? [] : Array.isArray(result) ? result : [result];
  const out = applyEdits(text, edits);
  assert.deepEqual(
    parseManifestFile(out).documents.flatMap((d) => d.problems),
    [],
    `output parses cleanly:\n${out}`,
  );
  return out;
}

const container = (root: YAMLMap) => {
  const seq = getPath(root, ['spec', 'containers']) as YAMLSeq;
  return seq.items[0] as YAMLMap;
};

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web # the web pod
spec:
  containers:
    - name: web
      image: nginx:1.27   # pinned
      ports:
        - containerPort: 80
    # sidecar follows
    - name: side
      image: busybox:1.36
`;

test('setIn inserts a missing nested block at the end of the deepest existing map', () => {
  const out = edit(pod, (e, root) =>
    e.setIn(container(root), ['securityContext', 'allowPrivilegeEscalation'], false),
  );
  assert.equal(
    out,
    pod.replace(
      '        - containerPort: 80\n',
      '        - containerPort: 80\n      securityContext:\n        allowPrivilegeEscalation: false\n',
    ),
  );
});

test('setIn merges into an existing map and keeps its other keys and comments', () => {
  const text = pod.replace(
    '      image: nginx:1.27   # pinned\n',
    '      image: nginx:1.27   # pinned\n      securityContext: # hardening\n        runAsUser: 1000\n',
  );
  const out = edit(text, (e, root) =>
    e.setIn(container(root), ['securityContext'], { runAsNonRoot: true, capabilities: { drop: ['ALL'] } }),
  );
  assert.equal(
    out,
    text.replace(
      '        runAsUser: 1000\n',
      '        runAsUser: 1000\n        runAsNonRoot: true\n        capabilities:\n          drop:\n            - ALL\n',
    ),
  );
});

test('setIn replaces a scalar value and keeps the trailing comment', () => {
  const text = 'spec:\n  privileged: true # needed?\n  other: 1\n';
  assert.equal(
    edit(text, (e, root) => e.setIn(root, ['spec', 'privileged'], false)),
    'spec:\n  privileged: false # needed?\n  other: 1\n',
  );
});

test('setIn writes into flow maps in flow style', () => {
  assert.equal(
    edit('a:\n  b: {x: 1}\n', (e, root) => e.setIn(root, ['a', 'b', 'y'], 'two')),
    'a:\n  b: {x: 1, y: two}\n',
  );
  assert.equal(
    edit('a:\n  b: {}\n', (e, root) => e.setIn(root, ['a', 'b', 'y'], ['A'])),
    'a:\n  b: {y: [A]}\n',
  );
});

test('flow inserts land after the last entry: spaced maps keep their spacing, nested maps their parent', () => {
  assert.equal(
    edit('a: { x: 1 }\n', (e, root) => e.setIn(root, ['a', 'y'], 2)),
    'a: { x: 1, y: 2 }\n',
  );
  assert.equal(
    edit('r: {requests: {memory: 64Mi}}\n', (e, root) => e.setIn(root, ['r', 'requests', 'cpu'], '10m')),
    'r: {requests: {memory: 64Mi, cpu: 10m}}\n',
  );
  assert.equal(
    edit('r: {requests: {memory: 64Mi}}\n', (e, root) => e.setIn(root, ['r', 'limits'], { memory: '64Mi' })),
    'r: {requests: {memory: 64Mi}, limits: {memory: 64Mi}}\n',
  );
  assert.equal(
    edit('a: [[x], [y]]\n', (e, root) =>
      e.appendToSeq((getPath(root, ['a']) as YAMLSeq).items[0] as YAMLSeq, ['z']),
    ),
    'a: [[x, z], [y]]\n',
  );
  assert.equal(
    edit('a: [ x ]\n', (e, root) => e.appendToSeq(getPath(root, ['a']) as YAMLSeq, ['y'])),
    'a: [ x, y ]\n',
  );
});

test('setIn fills an empty value (`key:` with nothing after it)', () => {
  assert.equal(
    edit('spec:\n  securityContext:\n  hostNetwork: false\n', (e, root) =>
      e.setIn(root, ['spec', 'securityContext', 'runAsNonRoot'], true),
    ),
    'spec:\n  securityContext:\n    runAsNonRoot: true\n  hostNetwork: false\n',
  );
});

test('insertions follow the file: 4-space indent, indentless sequences, CRLF', () => {
  const text = 'spec:\r\n    containers:\r\n    - name: a\r\n      image: x:1\r\n';
  const out = edit(text, (e, root) => {
    const c = (getPath(root, ['spec', 'containers']) as YAMLSeq).items[0] as YAMLMap;
    return e.setIn(c, ['securityContext', 'capabilities', 'drop'], ['ALL']);
  });
  assert.equal(
    out,
    text +
      '      securityContext:\r\n          capabilities:\r\n              drop:\r\n              - ALL\r\n',
  );
});

test('a file without a final newline gets one before the inserted line', () => {
  assert.equal(
    edit('a:\n  b: 1', (e, root) => e.setIn(root, ['a', 'c'], 2)),
    'a:\n  b: 1\n  c: 2\n',
  );
});

test('commented values carry their TODO comment', () => {
  assert.equal(
    edit('c:\n  name: a\n', (e, root) =>
      e.setIn(root, ['c', 'resources', 'requests', 'cpu'], new Commented('100m', 'TODO: measure')),
    ),
    'c:\n  name: a\n  resources:\n    requests:\n      cpu: 100m  # TODO: measure\n',
  );
});

test('deleteKey removes the lines of a pair and keeps comments above other keys', () => {
  const text = 'spec:\n  # host access\n  hostNetwork: true  # why\n  hostPID: true\n  containers: []\n';
  assert.equal(
    edit(text, (e, root) => e.deleteKey(getMapPath(root, ['spec']) as YAMLMap, 'hostPID')),
    'spec:\n  # host access\n  hostNetwork: true  # why\n  containers: []\n',
  );
  assert.equal(
    edit(text, (e, root) => e.deleteKey(getMapPath(root, ['spec']) as YAMLMap, 'hostNetwork')),
    'spec:\n  # host access\n  hostPID: true\n  containers: []\n',
  );
});

test('deleteKey on the first key of a sequence item pulls the next key behind the dash', () => {
  const text = 'l:\n  - hostPort: 80\n    containerPort: 80\n';
  assert.equal(
    edit(text, (e, root) => e.deleteKey((getPath(root, ['l']) as YAMLSeq).items[0] as YAMLMap, 'hostPort')),
    'l:\n  - containerPort: 80\n',
  );
});

test('deleteKey in flow maps removes the entry and its comma', () => {
  assert.equal(
    edit('m: {a: 1, b: 2, c: 3}\n', (e, root) => e.deleteKey(getMapPath(root, ['m']) as YAMLMap, 'b')),
    'm: {a: 1, c: 3}\n',
  );
  assert.equal(
    edit('m: {a: 1, b: 2}\n', (e, root) => e.deleteKey(getMapPath(root, ['m']) as YAMLMap, 'b')),
    'm: {a: 1}\n',
  );
});

test('deleteSeqItem and appendToSeq work on block and flow sequences', () => {
  const seq = (root: YAMLMap) => getPath(root, ['add']) as YAMLSeq;
  assert.equal(
    edit('add:\n  - SYS_ADMIN\n  - NET_BIND_SERVICE\n', (e, root) => e.deleteSeqItem(seq(root), 0)),
    'add:\n  - NET_BIND_SERVICE\n',
  );
  assert.equal(
    edit('add: [SYS_ADMIN, NET_BIND_SERVICE]\n', (e, root) => e.deleteSeqItem(seq(root), 1)),
    'add: [SYS_ADMIN]\n',
  );
  assert.equal(
    edit('add:\n  - A\n', (e, root) => e.appendToSeq(seq(root), ['B'])),
    'add:\n  - A\n  - B\n',
  );
  assert.equal(
    edit('add: []\n', (e, root) => e.appendToSeq(seq(root), ['B'])),
    'add: [B]\n',
  );
});

test('appendDocument adds a --- document and keeps CRLF', () => {
  const text = 'kind: A\r\nmetadata:\r\n  name: a';
  const out = edit(text, (e) =>
    e.appendDocument({ kind: 'B', spec: { selector: { matchLabels: { app: 'a' } } } }),
  );
  assert.equal(
    out,
    'kind: A\r\nmetadata:\r\n  name: a\r\n---\r\nkind: B\r\nspec:\r\n  selector:\r\n    matchLabels:\r\n      app: a\r\n',
  );
});

test('minimalEdits touches only the changed lines', () => {
  const before = 'a: 1\nb: 2\nc: 3\nd: 4\n';
  const after = 'a: 1\nb: two\nc: 3\nd: 4\ne: 5\n';
  const edits = minimalEdits(before, after);
  assert.equal(applyEdits(before, edits), after);
  assert.deepEqual(edits, [
    { start: 5, end: 10, text: 'b: two\n' },
    { start: 20, end: 20, text: 'e: 5\n' },
  ]);
});
