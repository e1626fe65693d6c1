import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Fixture Author',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture Author',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** A bare repository on disk (reach it as `file://<dir>`), used with the real `git` CLI to seed and inspect. */
export class BareRepository {
  private constructor(readonly dir: string) {}

  get url(): string {
    return `file://${this.dir}`;
  }

  /** An existing bare repository. */
  static at(dir: string): BareRepository {
    return new BareRepository(dir);
  }

  static async create(parent: string, name = 'remote.git'): Promise<BareRepository> {
    const dir = path.join(parent, name);
    await mkdir(dir, { recursive: true });
    await git(dir, 'init', '--bare', '--initial-branch=main', '--quiet');
    return new BareRepository(dir);
  }

  /** One commit on `branch` adding/overwriting `files` (path → content; null deletes). */
  async commit(files: Record<string, string | Buffer | null>, message = 'seed', branch = 'main'): Promise<string> {
    const work = await mkdtemp(path.join(tmpdir(), 'hnp-seed-'));
    try {
      const hasBranch = (await git(this.dir, 'branch', '--list', branch)).trim() !== '';
      if (hasBranch) await git(tmpdir(), 'clone', '--quiet', '--branch', branch, this.dir, work);
      else {
        await git(work, 'init', '--quiet', `--initial-branch=${branch}`);
        await git(work, 'remote', 'add', 'origin', this.dir);
      }
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(work, file);
        if (content === null) await rm(target, { force: true });
        else {
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, content);
        }
      }
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      await git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      return (await git(work, 'rev-parse', 'HEAD')).trim();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async head(branch = 'main'): Promise<string | null> {
    try {
      return (await git(this.dir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`)).trim() || null;
    } catch {
      return null;
    }
  }

  async files(prefix = '', branch = 'main'): Promise<string[]> {
    const out = await git(this.dir, 'ls-tree', '-r', '--name-only', branch, ...(prefix ? ['--', prefix] : []));
    return out.split('\n').filter(Boolean).sort();
  }

  async read(file: string, branch = 'main'): Promise<string | null> {
    try {
      return await git(this.dir, 'show', `${branch}:${file}`);
    } catch {
      return null;
    }
  }

  /** `%an|%ae|%cn|%ce|%B` of the newest commits. */
  async log(count = 1, branch = 'main'): Promise<Array<{ author: string; email: string; committer: string; committerEmail: string; message: string }>> {
    const out = await git(this.dir, 'log', `-${count}`, '--format=%an%x1f%ae%x1f%cn%x1f%ce%x1f%B%x1e', branch);
    return out
      .split('\x1e')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const [author, email, committer, committerEmail, message] = entry.split('\x1f');
        return { author, email, committer, committerEmail, message: message.trim() };
      });
  }

  async commitCount(branch = 'main'): Promise<number> {
    return Number((await git(this.dir, 'rev-list', '--count', branch)).trim());
  }
}
