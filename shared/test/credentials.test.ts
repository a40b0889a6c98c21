import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ConfigError, credentialsKey, openPassword, sealPassword } from '../src/index.ts';

describe('kept passwords', () => {
  const key = randomBytes(32);

  it('are opened only with the key that sealed them, and never stored in clear', () => {
    const sealed = sealPassword(key, 'Xy7@abcdPq');
    expect(sealed).not.toContain('Xy7@abcdPq');
    expect(sealPassword(key, 'Xy7@abcdPq')).not.toBe(sealed);
    expect(openPassword(key, sealed)).toBe('Xy7@abcdPq');
    expect(openPassword(randomBytes(32), sealed)).toBeNull();
  });

  it('are not opened once altered', () => {
    const bytes = Buffer.from(sealPassword(key, 'Xy7@abcdPq'), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(openPassword(key, bytes.toString('base64'))).toBeNull();
    expect(openPassword(key, 'c2hvcnQ=')).toBeNull();
  });

  it('need a 32-byte key when one is configured, and never show it', () => {
    expect(credentialsKey(undefined)).toBeNull();
    expect(credentialsKey(key.toString('base64'))?.equals(key)).toBe(true);
    const short = randomBytes(16).toString('base64');
    expect(() => credentialsKey(short)).toThrow(ConfigError);
    expect(() => credentialsKey(short)).not.toThrow(short);
  });
});
