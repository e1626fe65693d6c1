import { registerEnumType } from 'type-graphql';

// DB values are lower-case (as in HNP); GraphQL exposes the keys (UPPER_CASE).
// The same enums generate the CHECK constraints of the migrations.

export enum Role {
  VIEWER = 'viewer',
  OPERATOR = 'operator',
  ADMIN = 'admin',
}

export enum GitProvider {
  GITHUB = 'github',
  GITLAB = 'gitlab',
  BITBUCKET = 'bitbucket',
  AZURE = 'azure',
  GENERIC = 'generic',
}

export enum GitAuthenticationType {
  NONE = 'none',
  TOKEN = 'token',
  BASIC = 'basic',
  SSH_KEY = 'ssh_key',
}

export enum ConnectionStatus {
  PENDING = 'pending',
  TESTING = 'testing',
  CONNECTED = 'connected',
  FAILED = 'failed',
}

export enum FabricStatus {
  PLANNED = 'planned',
  ACTIVE = 'active',
  MAINTENANCE = 'maintenance',
  DECOMMISSIONED = 'decommissioned',
}

export enum FabricSyncStatus {
  NEVER_SYNCED = 'never_synced',
  IN_SYNC = 'in_sync',
  OUT_OF_SYNC = 'out_of_sync',
  SYNCING = 'syncing',
  ERROR = 'error',
}

export enum ArchiveStrategy {
  RENAME_WITH_EXTENSION = 'rename_with_extension',
  DELETE = 'delete',
}

export enum GitopsDirectoryStatus {
  NOT_INITIALIZED = 'not_initialized',
  INITIALIZING = 'initializing',
  INITIALIZED = 'initialized',
  ERROR = 'error',
  INVALID_STRUCTURE = 'invalid_structure',
}

export enum ResourceState {
  DRAFT = 'draft',
  COMMITTED = 'committed',
  PENDING = 'pending',
  SYNCED = 'synced',
  DRIFTED = 'drifted',
  ORPHANED = 'orphaned',
}

export enum SyncDirection {
  GUI_TO_GIT = 'gui_to_git',
  GIT_TO_GUI = 'git_to_gui',
  BIDIRECTIONAL = 'bidirectional',
  DISABLED = 'disabled',
}

export enum ConflictStatus {
  NONE = 'none',
  DETECTED = 'detected',
  RESOLVING = 'resolving',
  RESOLVED = 'resolved',
}

export enum ConflictType {
  CONCURRENT_MODIFICATION = 'concurrent_modification',
  DELETE_MODIFY = 'delete_modify',
  VALIDATION = 'validation',
}

export enum ConflictResolutionStrategy {
  GUI_WINS = 'gui_wins',
  GIT_WINS = 'git_wins',
  MERGE = 'merge',
  MANUAL = 'manual',
}

export enum SyncOperationType {
  GUI_TO_GITHUB = 'gui_to_github',
  GITHUB_TO_GUI = 'github_to_gui',
  DIRECTORY_INIT = 'directory_init',
  CONFLICT_RESOLUTION = 'conflict_resolution',
  INGESTION = 'ingestion',
  BIDIRECTIONAL_SYNC = 'bidirectional_sync',
  VALIDATION = 'validation',
}

export enum SyncOperationStatus {
  PENDING = 'pending',
  IN_PROGRESS = 'in_progress',
  COMPLETED = 'completed',
  FAILED = 'failed',
  CANCELLED = 'cancelled',
}

export enum PushMode {
  DIRECT_PUSH = 'direct_push',
  PULL_REQUEST = 'pull_request',
}

const graphqlEnums: Array<[object, string, string]> = [
  [Role, 'Role', 'What a user may do: viewer reads, operator also edits resources and runs syncs, admin manages repositories, fabrics and users'],
  [GitProvider, 'GitProvider', 'Hosting provider of a Git repository (used for pull requests)'],
  [GitAuthenticationType, 'GitAuthenticationType', 'How the server authenticates to a Git remote'],
  [ConnectionStatus, 'ConnectionStatus', 'Result of the last connection test of a Git repository'],
  [FabricStatus, 'FabricStatus', 'Configuration status of a fabric'],
  [FabricSyncStatus, 'FabricSyncStatus', 'Sync status of a fabric against its GitOps directory'],
  [ArchiveStrategy, 'ArchiveStrategy', 'What happens to a raw file once ingested'],
  [GitopsDirectoryStatus, 'GitopsDirectoryStatus', 'State of the fabric GitOps directory layout in the repository'],
  [ResourceState, 'ResourceState', 'Lifecycle state of a resource between the API, Git and the cluster'],
  [SyncDirection, 'SyncDirection', 'Which way changes of a resource (or a sync run) flow'],
  [ConflictStatus, 'ConflictStatus', 'Conflict state of a resource or conflict record'],
  [ConflictType, 'ConflictType', 'Why a conflict was raised'],
  [ConflictResolutionStrategy, 'ConflictResolutionStrategy', 'How a conflict is resolved'],
  [SyncOperationType, 'SyncOperationType', 'What a sync operation does'],
  [SyncOperationStatus, 'SyncOperationStatus', 'Lifecycle status of a sync operation'],
  [PushMode, 'PushMode', 'How API changes reach Git: direct push or a pull request'],
];

for (const [enumObject, name, description] of graphqlEnums) {
  registerEnumType(enumObject, { name, description });
}
