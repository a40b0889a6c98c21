import { describe, expect, it } from '@jest/globals';
import { jsonb } from '../src/index.ts';

describe('jsonb parameters', () => {
  it('drop the NUL character PostgreSQL cannot store, anywhere in the value, and keep the rest', () => {
    const text = jsonb({
      code: 'X',
      message: 'pair a\u0000b failed',
      keys: ['p\u0000q'],
      escaped: '\\u0000',
    });
    expect(JSON.parse(text)).toEqual({
      code: 'X',
      message: 'pair ab failed',
      keys: ['pq'],
      escaped: '\\u0000',
    });
  });
});
