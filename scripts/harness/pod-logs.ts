import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LogLine {
  readonly text: string;
  readonly stream?: 'stdout' | 'stderr';
  readonly time?: Date;
}

/**
 * Appends lines to a container's log on the simulated node, in the CRI log format the kubelet's
 * log reader parses (`<RFC3339Nano> <stream> F <text>`). One file per container start, as in
 * /var/log/pods: `restart` is the restart count it belongs to (the previous container is
 * restartCount - 1). Appending while a client follows the log is how new lines arrive.
 */
export function writeContainerLog(
  podLogs: string,
  pod: { namespace: string; name: string; container: string; restart?: number },
  lines: readonly (LogLine | string)[],
): string {
  const file = join(podLogs, `${pod.namespace}_${pod.name}`, pod.container, `${pod.restart ?? 0}.log`);
  mkdirSync(dirname(file), { recursive: true });
  const text = lines
    .map((l) => (typeof l === 'string' ? { text: l } : l))
    .map((l) => `${(l.time ?? new Date()).toISOString()} ${l.stream ?? 'stdout'} F ${l.text}\n`)
    .join('');
  appendFileSync(file, text);
  return file;
}
