import { relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { collectFiles, readManifest } from '../adapters/fs/files';
import { replaceFile, WriteError } from '../adapters/fs/write';
import { applyFixes } from '../core/fixes/apply';
import { allRules } from '../core/rules/registry';
import { indexFile, type IndexedObject } from '../core/rules/scope';
import type { FixClass } from '../core/rules/types';
import { parseManifestFile } from '../core/yaml/parse';
import { parseArgs, UsageError } from './args';
import { checkRuleIds, lintConfig } from './lint';

export const FIX_USAGE = `usage: shipshape fix [paths…] [--rule ID[,ID…]] [--class auto|harden|scaffold] [--dry-run]

Applies fixes in place with minimal edits (comments, order, quoting and indentation kept).
Default: --class auto (safe, behaviour-preserving fixes only). --dry-run prints a unified diff
and writes nothing. Each file is replaced whole (a temporary file beside it, then renamed), with
its mode, owner, line endings and BOM kept. Exit code: 0 done, 1 when a file could not be read,
2 on usage errors and when a file could not be written (it is left unchanged).`;

const CLASSES: readonly FixClass[] = ['auto', 'harden', 'scaffold'];

export function fix(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const args = parseArgs(argv, {
    values: ['rule', 'class', 'include', 'exclude', 'kubernetes-version'],
    flags: ['dry-run', 'help'],
  });
  if (args.flags.has('help')) {
    out(`${FIX_USAGE}\n`);
    return 0;
  }
  const rules = args.values.get('rule');
  checkRuleIds(rules, 'rule');
  const classes = (args.values.get('class') ?? (rules ? [] : ['auto'])) as FixClass[];
  const badClass = classes.find((c) => !CLASSES.includes(c));
  if (badClass) throw new UsageError(`--class must be one of ${CLASSES.join(', ')} (got "${badClass}")`);
  const config = lintConfig(args);
  const { files, missing } = collectFiles(args.positional.length > 0 ? args.positional : ['.']);
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);

  // Index every file first so cross-resource fixes (append a PDB) know what already exists.
  const texts = new Map<string, string>();
  const entries: IndexedObject[] = [];
  let unreadable = 0;
  for (const file of files) {
    const read = readManifest(file);
    if ('error' in read) {
      err(`${file}: ${read.error}\n`);
      unreadable++;
      continue;
    }
    texts.set(file, read.text);
    entries.push(...indexFile(parseManifestFile(read.text), file));
  }
  let fixed = 0;
  let changedFiles = 0;
  let unwritable = 0;
  for (const [file, text] of texts) {
    const result = applyFixes(
      text,
      { ...(classes.length > 0 ? { classes } : {}), ...(rules ? { rules } : {}) },
      { rules: allRules, index: { scope: 'workspace', objects: entries }, path: file, ...config },
    );
    if (result.applied.length === 0) continue;
    const name = relative(process.cwd(), file) || file;
    if (args.flags.has('dry-run'))
      out(createTwoFilesPatch(`a/${name}`, `b/${name}`, text, result.text, '', '', { context: 3 }));
    else
      try {
        replaceFile(file, result.text);
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        // One file that cannot be written must not stop the others.
        err(`${name}: not fixed: cannot write it: ${error.message}. The file is unchanged.\n`);
        unwritable++;
        continue;
      }
    fixed += result.applied.length;
    changedFiles++;
    err(
      `${name}: ${result.applied.map((f) => `${f.rule}${f.container ? ` (${f.container})` : ''}`).join(', ')}\n`,
    );
  }
  err(
    `${args.flags.has('dry-run') ? 'would fix' : 'fixed'} ${fixed} finding(s) in ${changedFiles} file(s)\n`,
  );
  return unwritable > 0 ? 2 : unreadable > 0 ? 1 : 0;
}
