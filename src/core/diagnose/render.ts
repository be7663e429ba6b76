import type { Diagnosis, Finding } from './types';

/**
 * Markdown with cluster text made inert, and escaped only where a character would otherwise be
 * markup, so the source reads as plain text too (SUPERSET_SECRET_KEY, not SUPERSET\_SECRET\_KEY).
 * HTML-significant characters become entities outside code spans (a pod message like `<script>`
 * stays text in any preview). An underscore between two letters or digits never starts or ends
 * emphasis (CommonMark's intraword rule), and a backslash is only an escape before punctuation,
 * so those stay as they are. Table pipes and newlines are escaped inside cells.
 */
export function escapeMarkdown(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/&/g, '&amp;')
            .replace(/</g, '&lt;')
            .replace(/>/g, '&gt;')
            .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
            .replace(/[*[\]~]/g, '\\$&')
            .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_'),
    )
    .join('');
}

const cell = (text: string) => escapeMarkdown(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

const LABEL: Record<Finding['level'], string> = { cause: 'Cause', evidence: 'Evidence', note: 'Note' };

function findingMarkdown(f: Finding): string {
  const [first = '', ...rest] = f.text.split('\n');
  const head = `- **${LABEL[f.level]}:** ${escapeMarkdown(first)}`;
  return rest.length
    ? `${head}\n\n  \`\`\`text\n${rest.map((l) => `  ${l.replace(/```/g, "'''")}`).join('\n')}\n  \`\`\``
    : head;
}

export function diagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = [
    `# Diagnose: ${escapeMarkdown(d.pod ? `${d.namespace}/${d.pod}` : d.owner)}`,
    '',
    `**${escapeMarkdown(d.reason)}** · ${escapeMarkdown(d.owner)} · ${escapeMarkdown(d.summary)}`,
    '',
  ];
  // One line: a second line would continue the quote lazily, or end it and start a block.
  if (d.verdict) out.push(`> **Why:** ${escapeMarkdown(d.verdict.replace(/\n/g, ' '))}`, '');
  for (const s of d.sections) {
    out.push(`## ${escapeMarkdown(s.title)}`, '');
    for (const f of s.findings) out.push(findingMarkdown(f));
    out.push('');
    if (s.table && s.table.length > 1) {
      const [header = [], ...rows] = s.table;
      out.push(`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`);
      for (const r of rows) out.push(`| ${r.map(cell).join(' | ')} |`);
      out.push('');
    }
  }
  out.push('## Events (pod, owners and node; oldest first)', '');
  if (d.eventsNote) out.push(`_${escapeMarkdown(d.eventsNote)}_`, '');
  if (d.timeline.length === 0) {
    if (!d.eventsNote)
      out.push('No events kept for these objects (the API server keeps them for an hour).', '');
  } else {
    out.push('| When | Object | Type | Reason | Count | Message |', '| --- | --- | --- | --- | --- | --- |');
    for (const e of d.timeline)
      out.push(
        `| ${cell(e.at ?? '')} | ${cell(e.object)} | ${cell(e.type ?? '')} | ${cell(e.reason ?? '')} | ${e.count ?? ''} | ${cell(e.message ?? '')}${e.kept ? ` _(${cell(e.kept)})_` : ''} |`,
      );
    out.push('');
  }
  out.push('## What to do', '');
  d.todo.forEach((t, i) =>
    out.push(`${i + 1}. ${escapeMarkdown(t.text)}${t.action ? ` — action \`${t.action}\`` : ''}`),
  );
  out.push('');
  return out.join('\n');
}

export function diagnosisText(d: Diagnosis): string {
  const out: string[] = [
    `${d.pod ? `${d.namespace}/${d.pod}` : d.owner} — ${d.reason} · ${d.owner} · ${d.summary}`,
  ];
  if (d.verdict) out.push(`  WHY: ${d.verdict}`);
  for (const s of d.sections) {
    out.push(`  ${s.title}:`);
    for (const f of s.findings)
      out.push(
        `    ${f.level === 'cause' ? '✗' : f.level === 'evidence' ? '•' : '·'} ${f.text.replace(/\n/g, '\n      ')}`,
      );
    if (s.table && s.table.length > 1)
      for (const r of s.table.slice(1))
        out.push(`      ${(r[0] ?? '').padEnd(20)} ${(r[1] ?? '').padEnd(4)} ${r[2] ?? ''}`);
  }
  if (d.timeline.length === 0 && d.eventsNote) out.push(`  Events: ${d.eventsNote}`);
  if (d.timeline.length) {
    out.push(d.eventsNote ? `  Events (${d.eventsNote}):` : '  Events:');
    for (const e of d.timeline.slice(-10))
      out.push(
        `    ${e.at ?? ''} ${e.object} ${e.reason ?? ''}${e.count ? ` ×${e.count}` : ''}: ${e.message ?? ''}${e.kept ? ` (${e.kept})` : ''}`,
      );
  }
  out.push('  What to do:');
  d.todo.forEach((t, i) => out.push(`    ${i + 1}. ${t.text}${t.action ? ` [${t.action}]` : ''}`));
  return out.join('\n');
}
