import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  GitCreateFabricDocument,
  GitCreateRepositoryDocument,
  GitIngestDocument,
  GitInitDirectoryDocument,
  PrOperationDocument,
  PrResourcesDocument,
  PrSyncDocument,
  SfDeleteResourceDocument,
  SfUpdateResourceDocument,
  type GitProvider,
  type PushMode,
  type SyncDirection,
} from './generated/operations';
import { GitHubProvider, GitHubProviderError } from '../src/gitops/providers/github-provider';
import { BareRepository, git } from './support/git-fixtures';
import { waitForOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

const TOKEN = 'ghp_PullRequestTestToken0123456789abcdef';
const OWNER = 'acme';

interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the stand-in found wrong with the request (empty: exactly as GitHub documents it). */
  problems: string[];
}

/**
 * Stands in for `POST /repos/{owner}/{repo}/pulls` of the GitHub REST API (version 2022-11-28): checks method, path,
 * headers and body like GitHub would, and answers 201 with `html_url` and `number`.
 */
class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  base = '';
  private next = 1;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problems: string[] = [];
      const match = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(req.url ?? '');
      if (req.method !== 'POST') problems.push(`method ${req.method}`);
      if (!match) problems.push(`path ${req.url}`);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) problems.push('authorization');
      if (req.headers.accept !== 'application/vnd.github+json') problems.push(`accept ${req.headers.accept}`);
      if (req.headers['x-github-api-version'] !== '2022-11-28') problems.push('x-github-api-version');
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push('content-type');
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body) as Record<string, unknown>;
      } catch {
        problems.push('body is not JSON');
      }
      if (Object.keys(parsed).sort().join(',') !== 'base,body,head,title') problems.push(`body keys ${Object.keys(parsed).join(',')}`);
      for (const key of ['title', 'head', 'base', 'body']) if (typeof parsed[key] !== 'string' || parsed[key] === '') problems.push(`body.${key}`);
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, problems });
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (problems.length > 0 || !match) {
        res.writeHead(422).end(JSON.stringify({ message: 'Validation Failed', errors: problems }));
        return;
      }
      const number = this.next++;
      res.writeHead(201).end(JSON.stringify({ number, html_url: `https://github.example.net/${match[1]}/${match[2]}/pull/${number}`, state: 'open' }));
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const BASE = {
  'fab/raw/base.yaml': [
    'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.0.0.0/16]',
    'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges: [{from: 1000, to: 2999}]',
    'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n    backend:\n      subnet: 10.0.2.0/24\n      vlan: 1002',
    'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: server-1\nspec:\n  description: rack 1',
  ].join('\n---\n'),
};
const VPC_FILE = 'fab/managed/vpcs/vpc-1.yaml';
const SERVER_FILE = 'fab/managed/servers/server-1.yaml';

function vpcSpec(vlanDefault: number, vlanBackend: number) {
  return { ipv4Namespace: 'default', vlanNamespace: 'default', subnets: { default: { subnet: '10.0.1.0/24', vlan: vlanDefault }, backend: { subnet: '10.0.2.0/24', vlan: vlanBackend } } };
}
type VpcSpec = ReturnType<typeof vpcSpec>;

describe('syncFabric in pull-request mode (real repositories, a local stand-in for the GitHub pulls endpoint)', () => {
  const github = new FakeGitHub();
  let server: TestServer;
  let workdir: string;
  let counter = 0;

  before(async () => {
    await github.start();
    server = await startTestServer({ githubApiUrl: github.base });
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-pr-'));
  });
  after(async () => {
    await server.stop();
    await github.stop();
    await rm(workdir, { recursive: true, force: true });
  });
  beforeEach(() => {
    github.requests.length = 0;
  });

  /**
   * A fabric with the base resources ingested and synced. The bare repository lives at `<workdir>/acme/<name>.git`:
   * with GITHUB_API_URL set, a file:// URL names the GitHub repository by its last two path segments (acme/<name>).
   */
  async function syncedFabric(options: { provider?: GitProvider; directPushEnabled?: boolean; token?: boolean } = {}) {
    counter++;
    const name = `pr-${counter}`;
    const remote = await BareRepository.create(workdir, `${OWNER}/${name}.git`);
    const withToken = options.token ?? true;
    const repo = await server.query(GitCreateRepositoryDocument, {
      input: {
        name,
        url: remote.url,
        provider: options.provider ?? 'GITHUB',
        authenticationType: withToken ? 'TOKEN' : 'NONE',
        credentials: withToken ? { token: TOKEN } : undefined,
        directPushEnabled: options.directPushEnabled ?? true,
        commitAuthorName: 'Sync Bot',
        commitAuthorEmail: 'sync@example.net',
      },
    });
    assert.deepEqual(repo.createGitRepository.userErrors, []);
    const fabric = await server.query(GitCreateFabricDocument, { input: { name, gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'fab' } });
    const fabricId = fabric.createFabric.fabric!.id;
    const init = await server.query(GitInitDirectoryDocument, { fabricId });
    assert.equal((await waitForOperation(server, init.initializeGitopsDirectory.syncOperation!.id)).status, 'COMPLETED');
    await remote.commit(BASE);
    const ingest = await server.query(GitIngestDocument, { fabricId });
    assert.equal((await waitForOperation(server, ingest.ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');
    const first = await sync(fabricId, 'BIDIRECTIONAL');
    assert.equal(first.status, 'COMPLETED', first.errorMessage);
    assert.equal(github.requests.length, 0, 'nothing to push: no pull request');
    return { remote, fabricId, name };
  }

  async function sync(fabricId: string, direction: SyncDirection, mode?: PushMode) {
    const queued = await server.query(PrSyncDocument, { fabricId, direction, mode });
    assert.deepEqual(queued.syncFabric.userErrors, []);
    const id = queued.syncFabric.syncOperation!.id;
    await waitForOperation(server, id);
    return (await server.query(PrOperationDocument, { id })).syncOperation!;
  }

  async function resource(fabricId: string, name: string) {
    return (await server.query(PrResourcesDocument, { fabricId })).resources.edges.map((e) => e.node).find((r) => r.name === name);
  }

  async function branches(remote: BareRepository): Promise<string[]> {
    return (await git(remote.dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')).split('\n').filter(Boolean).sort();
  }

  /** Merges the pull request the way GitHub's "rebase/fast-forward" would: main moves to the branch head. */
  async function mergeFastForward(remote: BareRepository, branch: string): Promise<string> {
    const main = (await remote.head('main'))!;
    const head = (await remote.head(branch))!;
    await git(remote.dir, 'merge-base', '--is-ancestor', main, head);
    await git(remote.dir, 'update-ref', 'refs/heads/main', head, main);
    return head;
  }

  test('PULL_REQUEST: branch hnp/<fabric>/<operation> with our commit on the base head, the request as GitHub documents it, resources PENDING until the merge is pulled', async () => {
    const { remote, fabricId, name } = await syncedFabric();
    const vpc = (await resource(fabricId, 'vpc-1'))!;
    const baseBefore = vpc.baseManifest;
    const updated = await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1001, 1700) } });
    assert.deepEqual(updated.updateResource.userErrors, []);
    const mainBefore = (await remote.head('main'))!;
    const fileBefore = await remote.read(VPC_FILE);

    const operation = await sync(fabricId, 'GUI_TO_GIT', 'PULL_REQUEST');
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(operation.pushMode, 'PULL_REQUEST');
    const details = operation.details as { pullRequestBranch: string; pullRequest: { url: string; number: number; branch: string; base: string } };
    const branch = details.pullRequestBranch;
    const match = new RegExp(`^hnp/${name}/([0-9a-f-]{36})$`).exec(branch);
    assert.ok(match, branch);
    const operationUuid = match[1];

    // Git: the base branch is untouched; the new branch holds exactly one commit of ours on top of it.
    assert.equal(await remote.head('main'), mainBefore, 'the base branch is unchanged');
    assert.deepEqual(await branches(remote), [branch, 'main']);
    assert.equal(await remote.head(branch), operation.commitSha);
    assert.equal((await git(remote.dir, 'rev-parse', `${branch}^`)).trim(), mainBefore, "the commit's parent is the base branch head");
    const [commit] = await remote.log(1, branch);
    assert.equal(commit.author, 'Sync Bot');
    assert.match(commit.message, new RegExp(`Sync-Operation: ${operationUuid}`));
    assert.equal(await remote.read(VPC_FILE), fileBefore);
    const pending = (await resource(fabricId, 'vpc-1'))!;
    assert.equal(await remote.read(VPC_FILE, branch), pending.yaml, 'the branch holds the rendered resource');

    // The pull request, exactly as documented.
    assert.equal(github.requests.length, 1);
    const [request] = github.requests;
    assert.deepEqual(request.problems, []);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `/repos/${OWNER}/${name}/pulls`);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers.accept, 'application/vnd.github+json');
    assert.equal(request.headers['x-github-api-version'], '2022-11-28');
    const body = JSON.parse(request.body) as { title: string; head: string; base: string; body: string };
    assert.equal(body.title, `HNP: sync fabric ${name}`);
    assert.equal(body.head, branch);
    assert.equal(body.base, 'main');
    assert.ok(body.body.includes(`\n- update \`${VPC_FILE}\` (VPC/default/vpc-1)\n`), body.body);
    assert.match(body.body, new RegExp(`Sync-Operation: ${operationUuid}$`));
    assert.equal(operation.pullRequestUrl, `https://github.example.net/${OWNER}/${name}/pull/1`);
    assert.equal(details.pullRequest.url, operation.pullRequestUrl);
    assert.equal(details.pullRequest.base, 'main');

    // Database: PENDING, the edit kept, the base still what the base branch holds.
    assert.equal(pending.resourceState, 'PENDING');
    assert.equal((pending.spec as VpcSpec).subnets.backend.vlan, 1700);
    const pendingBase = pending.baseManifest as { spec: VpcSpec };
    assert.equal(pendingBase.spec.subnets.backend.vlan, (baseBefore as { spec: VpcSpec }).spec.subnets.backend.vlan, 'the base branch does not have the change yet');
    assert.equal(pendingBase.spec.subnets.backend.vlan, 1002);
    assert.equal(pending.stateHistory[0].toState, 'PENDING');
    assert.equal(pending.stateHistory[0].trigger, 'open_pull_request');
    assert.equal((pending.syncMetadata.pullRequest as { url: string }).url, operation.pullRequestUrl);

    // While the pull request is open: a second push opens no duplicate, a pull leaves the resource pending.
    const again = await sync(fabricId, 'GUI_TO_GIT', 'PULL_REQUEST');
    assert.equal(again.status, 'COMPLETED', again.errorMessage);
    assert.equal(again.commitSha, null);
    assert.equal(again.pullRequestUrl, null);
    assert.equal(github.requests.length, 1, 'no duplicate pull request');
    assert.deepEqual(await branches(remote), [branch, 'main']);
    const pulledEarly = await sync(fabricId, 'GIT_TO_GUI');
    assert.equal(pulledEarly.status, 'COMPLETED', pulledEarly.errorMessage);
    const stillPending = (await resource(fabricId, 'vpc-1'))!;
    assert.equal(stillPending.resourceState, 'PENDING');
    assert.equal((stillPending.spec as VpcSpec).subnets.backend.vlan, 1700);

    // The pull request is merged (fast-forward of main in the bare repository); a pull turns the resource SYNCED.
    const merged = await mergeFastForward(remote, branch);
    const commits = await remote.commitCount();
    const pulled = await sync(fabricId, 'GIT_TO_GUI');
    assert.equal(pulled.status, 'COMPLETED', pulled.errorMessage);
    assert.equal(await remote.head('main'), merged, 'a pull makes no commit');
    assert.equal(await remote.commitCount(), commits);
    const synced = (await resource(fabricId, 'vpc-1'))!;
    assert.equal(synced.resourceState, 'SYNCED');
    assert.equal(synced.stateHistory[0].fromState, 'PENDING');
    assert.equal(synced.stateHistory[0].trigger, 'pull_request_merged');
    assert.equal(((synced.baseManifest as { spec: VpcSpec }).spec).subnets.backend.vlan, 1700, 'the new base is the merged content');
    assert.equal(synced.syncMetadata.pullRequest, undefined);
    assert.equal(await remote.read(VPC_FILE), synced.yaml);

    const quiet = await sync(fabricId, 'BIDIRECTIONAL', 'PULL_REQUEST');
    assert.equal(quiet.status, 'COMPLETED', quiet.errorMessage);
    assert.equal(quiet.commitSha, null);
    assert.equal(github.requests.length, 1);
  });

  test('directPushEnabled false: pull-request mode without the mode argument; a deletion keeps its tombstone until the merge is pulled', async () => {
    const { remote, fabricId, name } = await syncedFabric({ directPushEnabled: false });
    const vpc = (await resource(fabricId, 'vpc-1'))!;
    await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1444, 1002) } });
    const server1 = (await resource(fabricId, 'server-1'))!;
    assert.deepEqual((await server.query(SfDeleteResourceDocument, { id: server1.id })).deleteResource.userErrors, []);
    const mainBefore = await remote.head('main');
    const tombstones = async () =>
      Number((await server.server.database.orm.em.getConnection().execute<Array<{ n: string }>>('select count(*) as n from resource_tombstone'))[0].n);
    const tombstonesBefore = await tombstones();

    const operation = await sync(fabricId, 'GUI_TO_GIT');
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(operation.pushMode, 'PULL_REQUEST', 'the effective mode is recorded');
    assert.ok(operation.pullRequestUrl);
    assert.equal(await remote.head('main'), mainBefore);
    const branch = (operation.details as { pullRequestBranch: string }).pullRequestBranch;
    assert.match(branch, new RegExp(`^hnp/${name}/`));
    assert.equal(await remote.read(SERVER_FILE, branch), null, 'the deletion is on the branch');
    assert.ok(await remote.read(SERVER_FILE), 'and not on the base branch');
    assert.equal(github.requests.length, 1);
    const body = (JSON.parse(github.requests[0].body) as { body: string }).body;
    assert.ok(body.includes(`- delete \`${SERVER_FILE}\``), body);
    assert.ok(body.includes(`- update \`${VPC_FILE}\``), body);
    assert.equal((await resource(fabricId, 'vpc-1'))!.resourceState, 'PENDING');
    assert.equal(await tombstones(), tombstonesBefore, 'the tombstone stays while the pull request is open');

    const again = await sync(fabricId, 'BIDIRECTIONAL');
    assert.equal(again.status, 'COMPLETED', again.errorMessage);
    assert.equal(again.commitSha, null, 'neither the edit nor the deletion is pushed again');
    assert.equal(github.requests.length, 1);

    await mergeFastForward(remote, branch);
    const pulled = await sync(fabricId, 'GIT_TO_GUI');
    assert.equal(pulled.status, 'COMPLETED', pulled.errorMessage);
    assert.equal((await resource(fabricId, 'vpc-1'))!.resourceState, 'SYNCED');
    assert.equal(await resource(fabricId, 'server-1'), undefined);
    assert.equal(await tombstones(), tombstonesBefore - 1, 'the deletion reached the base branch: the tombstone is gone');
  });

  test('pull-request mode fails cleanly, with nothing pushed, for a non-GitHub provider and for a GitHub repository without a token', async () => {
    for (const [options, message] of [
      [{ provider: 'GITLAB' as GitProvider }, /pull requests are only implemented for GitHub/],
      [{ token: false }, /needs a GitHub API token/],
    ] as const) {
      const { remote, fabricId } = await syncedFabric(options);
      const vpc = (await resource(fabricId, 'vpc-1'))!;
      await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1001, 1555) } });
      const mainBefore = await remote.head('main');
      const operation = await sync(fabricId, 'GUI_TO_GIT', 'PULL_REQUEST');
      assert.equal(operation.status, 'FAILED');
      assert.match(operation.errorMessage, message);
      assert.match(operation.errorMessage, /nothing was pushed/);
      assert.equal(operation.commitSha, null);
      assert.equal(operation.pullRequestUrl, null);
      assert.deepEqual(await branches(remote), ['main'], 'no branch was pushed');
      assert.equal(await remote.head('main'), mainBefore);
      assert.equal(github.requests.length, 0);
      assert.equal((await resource(fabricId, 'vpc-1'))!.resourceState, 'DRAFT');
    }
  });
});

describe('GitHubProvider.repositoryFor: the owner/repo pull requests go to', () => {
  test('GitHub URLs are parsed strictly; file:// URLs and absolute paths name owner/repo by their last two segments only with an explicit API URL', () => {
    const dotCom = new GitHubProvider();
    const enterprise = new GitHubProvider({ apiBaseUrl: 'http://127.0.0.1:9/api/v3' });
    assert.deepEqual(dotCom.repositoryFor('https://github.com/acme/fabric.git'), { owner: 'acme', repo: 'fabric' });
    assert.deepEqual(enterprise.repositoryFor('git@ghe.example.com:netops/fabric.git'), { owner: 'netops', repo: 'fabric' });
    assert.deepEqual(enterprise.repositoryFor('file:///srv/git/netops/fabric.git'), { owner: 'netops', repo: 'fabric' });
    assert.deepEqual(enterprise.repositoryFor('/srv/git/netops/fabric.git'), { owner: 'netops', repo: 'fabric' });
    // The default API never derives; real URLs are never loosened (exactly owner/repo, no extra segments).
    assert.throws(() => dotCom.repositoryFor('file:///srv/git/netops/fabric.git'), GitHubProviderError);
    assert.throws(() => dotCom.repositoryFor('https://ghe.example.com/netops/fabric.git'), /GITHUB_API_URL/);
    assert.throws(() => enterprise.repositoryFor('https://github.com/acme/fabric/extra'), /exactly <owner>\/<repo>/);
    assert.throws(() => enterprise.repositoryFor('file:///fabric.git'), GitHubProviderError);
  });
});
