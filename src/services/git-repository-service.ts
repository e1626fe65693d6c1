import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import type { SecretBox } from '../auth/secret-box';
import { GitAuthenticationType } from '../entities/enums';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import type { User } from '../entities/user';
import { branchNameProblem, checkRemoteUrl } from '../gitops/remote-url';
import { displayRemoteUrl } from '../gitops/remote-url-display';
import type { CreateGitRepositoryInput, GitCredentialsInput, UpdateGitRepositoryInput } from '../graphql/inputs/git-repository-inputs';
import { recordAudit, type AuditTarget } from './audit-trail';
import { ErrorCollector, MutationError, UserErrorCode } from './mutation-error';
import { mapUniqueViolation } from './unique-violation';

export interface StoredGitCredentials {
  token?: string;
  username?: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
// A commit signature is "Name <email>": angle brackets and control characters would break it (libgit2 refuses them).
const SIGNATURE_UNSAFE = /[<>\u0000-\u001f\u007f]/;

type RepositoryFields = Partial<CreateGitRepositoryInput>;

function checkFields(input: RepositoryFields, errors: ErrorCollector): void {
  const V = UserErrorCode.VALIDATION;
  if (input.name !== undefined && (input.name.trim().length === 0 || input.name.length > 200)) {
    errors.add(V, ['input', 'name'], 'name must be 1 to 200 characters');
  }
  if (input.url !== undefined) {
    const url = checkRemoteUrl(input.url);
    if (!url.ok) errors.add(V, ['input', 'url'], `url ${url.reason}`);
  }
  for (const field of ['defaultBranch', 'pushBranch'] as const) {
    const value = input[field];
    if (value === undefined || (field === 'pushBranch' && value === '')) continue;
    const problem = branchNameProblem(value);
    if (problem) errors.add(V, ['input', field], `${field} ${problem}`);
  }
  if (input.timeoutSeconds !== undefined && (input.timeoutSeconds < 1 || input.timeoutSeconds > 3600)) {
    errors.add(V, ['input', 'timeoutSeconds'], 'timeoutSeconds must be between 1 and 3600');
  }
  if (input.commitAuthorName !== undefined && (input.commitAuthorName.trim().length === 0 || input.commitAuthorName.length > 100)) {
    errors.add(V, ['input', 'commitAuthorName'], 'commitAuthorName must be 1 to 100 characters');
  } else if (input.commitAuthorName !== undefined && SIGNATURE_UNSAFE.test(input.commitAuthorName)) {
    errors.add(V, ['input', 'commitAuthorName'], 'commitAuthorName must not contain "<", ">" or control characters (it becomes the commit author)');
  }
  if (input.commitAuthorEmail !== undefined && (!EMAIL.test(input.commitAuthorEmail) || input.commitAuthorEmail.length > 254)) {
    errors.add(V, ['input', 'commitAuthorEmail'], 'commitAuthorEmail must be an e-mail address');
  }
}

/** The credential fields each authentication type needs; returns what to store, or reports what is missing. */
function credentialsFor(
  type: GitAuthenticationType,
  credentials: GitCredentialsInput | undefined,
  errors: ErrorCollector,
): StoredGitCredentials | null {
  const V = UserErrorCode.VALIDATION;
  const field = ['input', 'credentials'];
  const given = Object.fromEntries(Object.entries(credentials ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '')) as StoredGitCredentials;
  switch (type) {
    case GitAuthenticationType.NONE:
      if (Object.keys(given).length > 0) errors.add(V, field, 'authenticationType NONE takes no credentials');
      return null;
    case GitAuthenticationType.TOKEN:
      if (!given.token) errors.add(V, [...field, 'token'], 'authenticationType TOKEN needs credentials.token');
      return { token: given.token, username: given.username };
    case GitAuthenticationType.BASIC:
      if (!given.username) errors.add(V, [...field, 'username'], 'authenticationType BASIC needs credentials.username');
      if (!given.password) errors.add(V, [...field, 'password'], 'authenticationType BASIC needs credentials.password');
      return { username: given.username, password: given.password };
    case GitAuthenticationType.SSH_KEY:
      if (!given.privateKey) errors.add(V, [...field, 'privateKey'], 'authenticationType SSH_KEY needs credentials.privateKey');
      return { privateKey: given.privateKey, passphrase: given.passphrase, username: given.username };
  }
}

async function ensureUniqueName(em: EntityManager, url: string, name: string, exceptId?: string): Promise<void> {
  const existing = await em.findOne(GitRepository, { url, name, ...(exceptId ? { id: { $ne: exceptId } } : {}) });
  if (existing) {
    throw MutationError.single(UserErrorCode.ALREADY_EXISTS, ['input', 'name'], `a repository named "${name}" with this url already exists`);
  }
}

export async function createGitRepository(
  em: EntityManager,
  secrets: SecretBox,
  actor: User,
  input: CreateGitRepositoryInput,
): Promise<GitRepository> {
  const errors = new ErrorCollector();
  checkFields(input, errors);
  const authenticationType = input.authenticationType ?? (input.credentials ? GitAuthenticationType.TOKEN : GitAuthenticationType.NONE);
  const credentials = credentialsFor(authenticationType, input.credentials, errors);
  errors.throwIfAny();
  const url = input.url.trim();
  const name = input.name.trim();
  await ensureUniqueName(em, url, name);
  const repository = persistNew(em, GitRepository, {
    name,
    url,
    provider: input.provider,
    authenticationType,
    encryptedCredentials: credentials ? secrets.encrypt(JSON.stringify(credentials)) : null,
    defaultBranch: input.defaultBranch,
    description: input.description,
    validateSsl: input.validateSsl,
    timeoutSeconds: input.timeoutSeconds,
    directPushEnabled: input.directPushEnabled,
    pushBranch: input.pushBranch,
    commitAuthorName: input.commitAuthorName?.trim(),
    commitAuthorEmail: input.commitAuthorEmail?.trim(),
    webhookSecret: input.webhookSecret ? secrets.encrypt(input.webhookSecret) : null,
    createdBy: actor,
  });
  recordAudit(em, actor, 'git_repository.create', repositoryTarget(repository), { url: displayRemoteUrl(url), authenticationType, hasWebhookSecret: Boolean(input.webhookSecret) });
  await mapUniqueViolation(() => em.flush(), ['input', 'name'], `a repository named "${name}" with this url already exists`);
  return repository;
}

export async function updateGitRepository(
  em: EntityManager,
  secrets: SecretBox,
  actor: User,
  repository: GitRepository,
  input: UpdateGitRepositoryInput,
): Promise<GitRepository> {
  const errors = new ErrorCollector();
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null)) as RepositoryFields;
  checkFields(defined, errors);
  const authChanged = defined.authenticationType !== undefined && defined.authenticationType !== repository.authenticationType;
  let credentials: StoredGitCredentials | null | undefined;
  if (defined.credentials || authChanged) {
    credentials = credentialsFor(defined.authenticationType ?? repository.authenticationType, defined.credentials, errors);
  }
  errors.throwIfAny();

  const url = defined.url?.trim() ?? repository.url;
  const name = defined.name?.trim() ?? repository.name;
  if (url !== repository.url || name !== repository.name) await ensureUniqueName(em, url, name, repository.id);
  const { credentials: _c, webhookSecret, ...plain } = defined;
  em.assign(repository, { ...plain, url, name });
  if (credentials !== undefined) repository.encryptedCredentials = credentials ? secrets.encrypt(JSON.stringify(credentials)) : null;
  if (webhookSecret !== undefined) repository.webhookSecret = webhookSecret ? secrets.encrypt(webhookSecret) : null;
  // Names of the changed fields only: credential and secret values never reach the trail.
  recordAudit(em, actor, 'git_repository.update', repositoryTarget(repository), { changed: Object.keys(defined).sort() });
  await mapUniqueViolation(() => em.flush(), ['input', 'name'], `a repository named "${name}" with this url already exists`);
  return repository;
}

export async function deleteGitRepository(em: EntityManager, actor: User, repository: GitRepository): Promise<void> {
  const users = await em.find(HedgehogFabric, { gitRepository: repository }, { fields: ['name'], limit: 5 });
  if (users.length > 0) {
    throw MutationError.single(
      UserErrorCode.INVALID_STATE,
      ['id'],
      `repository is used by fabric(s) ${users.map((f) => `"${f.name}"`).join(', ')}; move or delete them first`,
    );
  }
  recordAudit(em, actor, 'git_repository.delete', repositoryTarget(repository), { url: displayRemoteUrl(repository.url) });
  await em.removeAndFlush(repository);
}

function repositoryTarget(repository: GitRepository): AuditTarget {
  return { type: 'GitRepository', id: repository.id, name: repository.name };
}

/** Decrypted credentials for the Git engine; never leaves the process. */
export function readCredentials(secrets: SecretBox, repository: GitRepository): StoredGitCredentials | null {
  return repository.encryptedCredentials ? (JSON.parse(secrets.decrypt(repository.encryptedCredentials)) as StoredGitCredentials) : null;
}
