import type { EntityManager } from '@mikro-orm/postgresql';
import { ENCRYPTED_COLUMNS } from './encrypted-columns';
import { SecretBox, SecretBoxError } from './secret-box';

const UPDATE_BATCH = 500;

export interface ColumnReencryption {
  table: string;
  column: string;
  /** Values rewritten with the current key. */
  reencrypted: number;
  /** Values already encrypted with the current key (left untouched). */
  current: number;
}

export interface UnreadableSecret {
  table: string;
  column: string;
  id: string;
  reason: string;
}

export class ReencryptionError extends Error {
  constructor(readonly unreadable: UnreadableSecret[]) {
    super(
      `${unreadable.length} secret(s) cannot be decrypted with HNP_SECRET_KEY or HNP_SECRET_KEY_PREVIOUS; nothing was changed:\n` +
        unreadable.map((u) => `  ${u.table}.${u.column} id=${u.id}: ${u.reason}`).join('\n'),
    );
  }
}

/**
 * Re-encrypts every stored secret that is not under the current key, in one transaction with the rows locked.
 * All values are decrypted before anything is written: one unreadable secret aborts the whole run unchanged.
 * Running it again finds everything current (idempotent).
 */
export async function reencryptSecrets(em: EntityManager, secrets: SecretBox): Promise<ColumnReencryption[]> {
  return em.transactional(async (tx) => {
    const unreadable: UnreadableSecret[] = [];
    const updates: Array<{ table: string; column: string; id: string; envelope: string }> = [];
    const report: ColumnReencryption[] = [];
    for (const { table, column } of ENCRYPTED_COLUMNS) {
      const rows = await tx.execute<Array<{ id: string; value: string }>>(
        `select "id", "${column}" as "value" from "${table}" where "${column}" is not null order by "id" for update`,
      );
      const counts: ColumnReencryption = { table, column, reencrypted: 0, current: 0 };
      for (const row of rows) {
        try {
          const plaintext = secrets.decrypt(row.value);
          if (secrets.envelopeKeyId(row.value) === secrets.keyId) {
            counts.current++;
          } else {
            updates.push({ table, column, id: row.id, envelope: secrets.encrypt(plaintext) });
            counts.reencrypted++;
          }
        } catch (error) {
          if (!(error instanceof SecretBoxError)) throw error;
          unreadable.push({ table, column, id: row.id, reason: error.message });
        }
      }
      report.push(counts);
    }
    if (unreadable.length > 0) throw new ReencryptionError(unreadable);
    for (const { table, column } of ENCRYPTED_COLUMNS) {
      const rows = updates.filter((update) => update.table === table && update.column === column);
      for (let start = 0; start < rows.length; start += UPDATE_BATCH) {
        const batch = rows.slice(start, start + UPDATE_BATCH);
        await tx.execute(
          `update "${table}" as t set "${column}" = v.envelope from (values ${batch.map(() => '(?::uuid, ?)').join(', ')}) as v(id, envelope) where t."id" = v.id`,
          batch.flatMap((update) => [update.id, update.envelope]),
        );
      }
    }
    return report;
  });
}
