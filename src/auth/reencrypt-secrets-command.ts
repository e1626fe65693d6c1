import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { ReencryptionError, reencryptSecrets } from './reencrypt-secrets';
import { loadSecretKey, SecretBox } from './secret-box';

// `npm run reencrypt-secrets`: rewrites every stored secret with HNP_SECRET_KEY after a key rotation.
// Same environment as the server (DATABASE_URL or DATA_DIR, HNP_SECRET_KEY, HNP_SECRET_KEY_PREVIOUS).
async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.secretKey && !existsSync(path.join(config.dataDir, 'secret-key'))) {
    console.error(`HNP_SECRET_KEY is not set and ${path.join(config.dataDir, 'secret-key')} does not exist: no key to encrypt with`);
    return 2;
  }
  const key = await loadSecretKey(config.secretKey, config.dataDir);
  const secrets = new SecretBox(key.key, config.secretKeyPrevious);
  const database = await openDatabase({ ...config, databasePoolSize: 1 }, { migrate: true });
  try {
    const report = await reencryptSecrets(database.orm.em.fork(), secrets);
    for (const column of report) {
      console.log(`${column.table}.${column.column}: ${column.reencrypted} re-encrypted, ${column.current} already under key ${secrets.keyId}`);
    }
    const total = report.reduce((sum, column) => sum + column.reencrypted, 0);
    console.log(`done: ${total} secret(s) re-encrypted with key ${secrets.keyId}`);
    return 0;
  } catch (error) {
    if (error instanceof ReencryptionError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
