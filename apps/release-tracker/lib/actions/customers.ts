'use server';

import { redirect } from 'next/navigation';
import * as customers from '../services/customers';
import { id, parse } from '../validation';
import { fields, perform, type ActionResult, type FormState } from './result';

export async function createCustomer(_state: FormState, form: FormData): Promise<FormState> {
  const result = await perform(
    (db) => customers.createCustomer(db, fields(form)),
    ['/clusters', '/customers'],
  );
  if (!result.ok) return { error: result.error };
  redirect(`/customers/${result.data.id}`);
}

export async function updateCustomer(
  customerId: number,
  _state: FormState,
  form: FormData,
): Promise<FormState> {
  const result = await perform(
    (db) => customers.updateCustomer(db, parse(id, customerId), fields(form)),
    ['/clusters', '/customers', '/releases'],
  );
  if (!result.ok) return { error: result.error };
  redirect(`/customers/${result.data.id}`);
}

export async function deleteCustomer(customerId: number): Promise<ActionResult> {
  return perform(
    async (db) => {
      await customers.deleteCustomer(db, parse(id, customerId));
      return null;
    },
    ['/clusters', '/customers'],
  );
}

export async function restoreCustomer(customerId: number): Promise<ActionResult> {
  return perform(
    async (db) => {
      await customers.restoreCustomer(db, parse(id, customerId));
      return null;
    },
    ['/clusters', '/customers'],
  );
}
