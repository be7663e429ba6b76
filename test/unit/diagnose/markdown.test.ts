/**
 * The Diagnose page's Markdown, rendered by markdown-it (what VS Code's Markdown preview runs):
 * cluster text shows exactly as the cluster wrote it, never as markup, and the source stays
 * readable where escaping is not needed (SUPERSET_SECRET_KEY, not SUPERSET\_SECRET\_KEY).
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { diagnosisMarkdown } from '../../../src/core/diagnose/render';
import type { Diagnosis } from '../../../src/core/diagnose/types';

const preview = new MarkdownIt({ html: true, linkify: true });

const decode = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

const diagnosis = (clusterText: string): Diagnosis => ({
  namespace: 'data-platform',
  pod: 'superset-worker-1',
  owner: 'Deployment/superset-worker',
  reason: 'CrashLoopBackOff',
  summary: 'CrashLoopBackOff · 3 restarts',
  verdict: clusterText,
  sections: [{ title: 'Why it fails', findings: [{ level: 'evidence', text: clusterText }] }],
  timeline: [{ at: '2026-12-01T12:00:00Z', object: 'Pod/superset-worker-1', message: clusterText }],
  todo: [],
});

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '*not bold* and **not strong**',
  '_not em_ and __not strong__ but snake_case_name_',
  '[a link](http://example.com) ![img](http://example.com/x.png) [ref]',
  '~~not struck~~ ~one~',
  'a | pipe, a \\ backslash, an escaped \\* star, &amp; an entity',
];

for (const text of HOSTILE)
  test(`cluster text renders as itself, not markup: ${text}`, () => {
    const html = preview.render(diagnosisMarkdown(diagnosis(text)));
    assert.equal(/<(img|em|s|del|script)\b/.test(html), false, html);
    // The preview links bare URLs (linkify): a link may only be the URL itself, never hidden text.
    for (const [, href, shown] of html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g))
      assert.equal(href, shown, html);
    assert.equal(html.split('<a ').length, html.split('</a>').length);
    // Ours: the labels (Why, Evidence, the reason line) are the only strong text.
    assert.deepEqual(
      [...html.matchAll(/<strong>(.*?)<\/strong>/g)].map((m) => m[1]),
      ['CrashLoopBackOff', 'Why:', 'Evidence:'],
    );
    const plain = decode(html);
    // Verdict, finding and the event's table cell each show it verbatim.
    assert.equal(plain.split(text).length - 1, 3, plain);
  });

test('the source reads as plain text where nothing needs escaping', () => {
  const text =
    'Secret `superset-secret` not found (env SUPERSET_SECRET_KEY of container app); back-off 5m0s restarting failed container=app in pod superset-worker-1_data-platform(4a1b)';
  const md = diagnosisMarkdown(diagnosis(text));
  assert.equal(md.includes('\\'), false, md);
  assert.equal(md.split(text).length - 1, 3);
});
