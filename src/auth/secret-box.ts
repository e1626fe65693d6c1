import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Envelope: v1.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts. keyId tells a wrong key from corrupt data.
const VERSION = 'v1';

export class SecretBoxError extends Error {}

export class SecretBox {
  private readonly key: Buffer;
  /** Id of the current key: every encryption uses it. */
  readonly keyId: string;
  /** Every key that decrypts (current and previous), by id. */
  private readonly decryptionKeys = new Map<string, Buffer>();

  /**
   * `keyMaterial`: any string; 64 hex chars or 44 base64 chars are used as raw 32-byte keys, anything else is hashed.
   * `previousKeys` (HNP_SECRET_KEY_PREVIOUS) only decrypt, so that secrets written before a rotation stay readable.
   */
  constructor(keyMaterial: string, previousKeys: readonly string[] = []) {
    this.key = deriveKey(keyMaterial);
    this.keyId = keyIdOf(this.key);
    for (const material of previousKeys) {
      const key = deriveKey(material);
      this.decryptionKeys.set(keyIdOf(key), key);
    }
    this.decryptionKeys.set(this.keyId, this.key);
  }

  /** Ids of the keys that decrypt, the current one first. */
  get knownKeyIds(): string[] {
    return [this.keyId, ...[...this.decryptionKeys.keys()].filter((id) => id !== this.keyId)];
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.keyId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Id of the key an envelope was encrypted with (throws on anything that is not an envelope). */
  envelopeKeyId(envelope: string): string {
    const [version, keyId, , , ciphertext] = envelope.split('.');
    if (version !== VERSION || ciphertext === undefined) throw new SecretBoxError('unrecognised secret envelope');
    return keyId;
  }

  decrypt(envelope: string): string {
    const keyId = this.envelopeKeyId(envelope);
    const [, , iv, tag, ciphertext] = envelope.split('.');
    const key = this.decryptionKeys.get(keyId);
    if (!key) {
      throw new SecretBoxError(
        `secret was encrypted with key ${keyId}, but HNP_SECRET_KEY is key ${this.keyId}` +
          (this.decryptionKeys.size > 1 ? ` and HNP_SECRET_KEY_PREVIOUS holds key(s) ${this.knownKeyIds.slice(1).join(', ')}` : ''),
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('secret failed authentication (corrupted or tampered)');
    }
  }
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function deriveKey(material: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(material)) return Buffer.from(material, 'hex');
  const base64 = Buffer.from(material, 'base64');
  if (base64.length === 32 && /^[A-Za-z0-9+/_-]{43}=?$/.test(material)) return base64;
  return createHash('sha256').update(material, 'utf8').digest();
}

/** HNP_SECRET_KEY if given, else the key stored in `dataDir/secret-key`, generated (mode 0600) on first use. */
export async function loadSecretKey(configured: string | undefined, dataDir: string): Promise<{ key: string; generated: boolean }> {
  if (configured) return { key: configured, generated: false };
  const file = path.join(dataDir, 'secret-key');
  try {
    return { key: (await readFile(file, 'utf8')).trim(), generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { key, generated: true };
}
