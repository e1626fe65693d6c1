import { hostname } from 'node:os';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'embedded-postgres.lock';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Embedded PGlite must be opened by one process at a time (two would corrupt pgdata). `DATA_DIR/embedded-postgres.lock`
 * holds the owner's pid and host; a lock whose process is gone (on this host) is stale and taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n';
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, content, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockedError(file, error);
      const owner = await readOwner(file);
      if (owner && (owner.host !== hostname() || isRunning(owner.pid))) {
        throw new DataDirLockedError(
          `DATA_DIR ${dataDir} is in use by another HNP server (pid ${owner.pid} on ${owner.host}, lock ${file}): embedded PGlite ` +
            'allows one server per DATA_DIR. Stop that server, give this one its own DATA_DIR, or run several instances on a ' +
            `PostgreSQL server (DATABASE_URL). If no such server runs, delete ${file}.`,
        );
      }
      await unlink(file).catch(() => undefined);
    }
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await unlink(file).catch(() => undefined);
    },
  };
}

async function readOwner(file: string): Promise<{ pid: number; host: string } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host } : undefined;
  } catch {
    return undefined;
  }
}

function lockedError(file: string, cause: unknown): Error {
  if (cause instanceof DataDirLockedError) return cause;
  if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
    return new DataDirLockedError(`DATA_DIR lock ${file} was taken by another process while this one started`);
  }
  return cause as Error;
}
