import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/env.ts';

// A created user's initial password is kept only encrypted (AES-256-GCM, a key from configuration), so
// that the campaign manager can download the credentials workbook. Without a key nothing is kept.

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The credentials key from its base64 form (32 bytes), or null when none is configured. */
export function credentialsKey(encoded: string | undefined): Buffer | null {
  if (!encoded) return null;
  const key = Buffer.from(encoded, 'base64');
  // The value itself is a secret: never shown in the message.
  if (key.length !== 32) throw new ConfigError('CREDENTIALS_KEY', '32 bytes, base64-encoded', '[secret]');
  return key;
}

export function sealPassword(key: Buffer, password: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/** The password, or null when it was sealed with another key or altered. */
export function openPassword(key: Buffer, sealed: string): string | null {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const opened = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return opened.toString('utf8');
  } catch {
    return null;
  }
}

/** A user's DIGIT user name when the sheet gives none: derived from the phone, so every attempt agrees. */
export function userNameOf(row: { phone: string; userName: string | null }): string {
  return row.userName ?? `HCM${row.phone}`;
}
