import { cookies } from 'next/headers';

export const OPERATOR_COOKIE = 'release-tracker-operator';

/** Who is acting, for the history: the name set in the header form, else RELEASE_TRACKER_OPERATOR, else "operator". */
export async function currentOperator(): Promise<string> {
  const fromCookie = (await cookies()).get(OPERATOR_COOKIE)?.value;
  return fromCookie || process.env.RELEASE_TRACKER_OPERATOR || 'operator';
}
