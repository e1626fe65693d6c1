/** Every database column holding a SecretBox envelope (the re-encryption command walks exactly these). */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'git_repository', column: 'encrypted_credentials' },
  { table: 'git_repository', column: 'webhook_secret' },
];
