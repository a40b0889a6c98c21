import { randomInt } from 'node:crypto';
import { EMPLOYEE_PASSWORD_LENGTH } from '@campaign-pipeline/shared';

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SPECIAL = '@#$%';
const ALL = LOWER + UPPER + DIGITS + SPECIAL;

/**
 * A random password meeting DIGIT's policy (8–15 characters with lower and upper case, a digit and one
 * of @#$%). Generated per user from the system's CSPRNG; never logged or returned, and stored only
 * encrypted, when a credentials key is configured, for the campaign manager's credentials workbook.
 */
export function generatePassword(length = EMPLOYEE_PASSWORD_LENGTH): string {
  const pick = (alphabet: string) => alphabet.charAt(randomInt(alphabet.length));
  const characters = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
  while (characters.length < length) characters.push(pick(ALL));
  for (let index = characters.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other] as string, characters[index] as string];
  }
  return characters.join('');
}
