/**
 * A minimal suite/test runner for code that must run inside the real extension host. It has
 * no dependencies (mocha's dynamic requires do not bundle well) and reports through a JSON file
 * named by SHIPSHAPE_TEST_REPORT, which the driving process waits for.
 */
import { writeFileSync } from 'node:fs';

type Body = () => unknown;
interface Case {
  readonly name: string;
  readonly body: Body;
  readonly timeoutMs: number;
}
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

const cases: Case[] = [];
let prefix = '';

export function suite(name: string, body: () => void): void {
  const outer = prefix;
  prefix = `${outer}${name} › `;
  body();
  prefix = outer;
}

export function test(name: string, body: Body, timeoutMs = 30_000): void {
  cases.push({ name: `${prefix}${name}`, body, timeoutMs });
}

async function runOne(c: Case): Promise<CaseResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(c.body),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
      }),
    ]);
    return { name: c.name, ok: true, ms: Date.now() - started };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { name: c.name, ok: false, ms: Date.now() - started, error: message };
  } finally {
    clearTimeout(timer);
  }
}

export async function runAll(): Promise<CaseResult[]> {
  const filter = process.env['SHIPSHAPE_TEST_GREP'];
  const results: CaseResult[] = [];
  for (const c of cases) {
    if (filter && !c.name.includes(filter)) continue;
    results.push(await runOne(c));
  }
  const report = process.env['SHIPSHAPE_TEST_REPORT'];
  if (report) writeFileSync(report, JSON.stringify({ results }, null, 2));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${results.length} extension-host tests failed:\n${failed.map((f) => `${f.name}\n${f.error ?? ''}`).join('\n')}`,
    );
  }
  return results;
}
