'use server';

import { cookies } from 'next/headers';
import { OPERATOR_COOKIE } from '../operator';
import { operatorName } from '../validation';
import type { FormState } from './result';

export async function setOperator(_state: FormState, form: FormData): Promise<FormState> {
  const parsed = operatorName.safeParse(form.get('operator'));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? 'Invalid name' };
  (await cookies()).set(OPERATOR_COOKIE, parsed.data, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
  });
  return { error: null };
}
