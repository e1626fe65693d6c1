/**
 * Records the command line (and environment values) of every child process started from this process through
 * node:child_process, from the moment `recordChildProcesses()` runs. The server under test runs in the test process
 * (nodegit is in-process), so any process it spawned would pass through these functions. exec/execFile call the
 * module-internal spawn, not the exported one, hence each exported function is wrapped.
 */
import childProcess from 'node:child_process';
import { promisify } from 'node:util';

export interface RecordedChildProcess {
  api: string;
  args: string;
}

const WRAPPED = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

export function recordChildProcesses(): { records: RecordedChildProcess[]; restore(): void } {
  const records: RecordedChildProcess[] = [];
  const module = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  const describe = (args: unknown[]) =>
    JSON.stringify(args, (_key, value: unknown) => (typeof value === 'function' ? '[function]' : value instanceof Buffer ? value.toString('utf8') : value));
  for (const name of WRAPPED) {
    const original = module[name];
    originals.set(name, original);
    const wrapper = function (this: unknown, ...args: unknown[]) {
      records.push({ api: name, args: describe(args) });
      return original.apply(this, args);
    };
    const custom = (original as unknown as Record<symbol, ((...args: unknown[]) => unknown) | undefined>)[promisify.custom];
    if (custom) {
      Object.defineProperty(wrapper, promisify.custom, {
        value: (...args: unknown[]) => {
          records.push({ api: `${name} (promisified)`, args: describe(args) });
          return custom(...args);
        },
      });
    }
    module[name] = wrapper;
  }
  return {
    records,
    restore() {
      for (const [name, original] of originals) module[name] = original;
    },
  };
}
