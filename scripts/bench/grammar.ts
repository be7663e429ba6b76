/**
 * The Kubernetes injection grammar's tokenising speed on a large manifest: a runaway look-behind
 * once made it take seconds. Measured here, not asserted in the grammar test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { grammars, tokenize } from '../../test/unit/support/textmate';
import { repoRoot } from '../harness/paths';
import { fmt, median, type Report } from './report';

export async function benchGrammar(report: Report): Promise<void> {
  const dir = join(repoRoot, 'test', 'grammar');
  const doc =
    readFileSync(join(dir, 'quantities.yaml'), 'utf8') + readFileSync(join(dir, 'images.yaml'), 'utf8');
  const big = Array.from({ length: 40 }, () => `---\n${doc}`).join('\n');
  const { plain, injected } = await grammars();
  const time = (grammar: typeof plain) =>
    median(
      Array.from({ length: 5 }, () => {
        const t = performance.now();
        tokenize(grammar, big);
        return performance.now() - t;
      }),
    );
  const lines = big.split('\n').length;
  const base = time(plain);
  const withInjection = time(injected);
  report.add({
    section: 'grammar',
    metric: `tokenise ${lines} lines, YAML grammar alone`,
    value: `${fmt(base, 0)} ms`,
  });
  report.add({
    section: 'grammar',
    metric: `tokenise ${lines} lines with the Kubernetes injection`,
    value: `${fmt(withInjection, 0)} ms (${fmt(withInjection / base)}× the YAML grammar alone)`,
    target: '≤ 3× the YAML grammar alone',
    verdict: withInjection <= 3 * base ? 'met' : 'missed',
  });
}
