import { z } from 'zod';
import { InvalidInputError } from './errors';
import { RELEASE_TYPES, STEP_CATEGORIES, STEP_TYPES } from './db/schema';

const trimmed = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`);

/** An optional text field: blank input becomes null. */
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .nullish()
    .transform((value) => (value ? value : null));

export const id = z.coerce
  .number({ error: 'An id must be a number' })
  .int('An id must be a whole number')
  .positive('An id must be positive');

export const idList = z.array(id).min(1, 'Choose at least one').max(1000, 'At most 1000 at once');

export const clusterInput = z.object({
  name: trimmed('Cluster name', 100),
  kubeconfigPath: optionalText('Kubeconfig path', 500).refine(
    (value) => value === null || !value.split(/[\\/]/).includes('..'),
    'Kubeconfig path must not contain ".."',
  ),
  description: optionalText('Description', 2000),
});

// Kubernetes namespaces are DNS-1123 labels.
export const namespaceName = z
  .string({ error: 'Namespace is required' })
  .trim()
  .min(1, 'Namespace is required')
  .max(63, 'Namespace must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'Namespace must be lower-case letters, digits and "-", starting and ending with a letter or digit',
  );

export const customerInput = z.object({
  clusterId: id,
  namespace: namespaceName,
  name: trimmed('Customer name', 100),
  description: optionalText('Description', 2000),
});

export const releaseInput = z.object({
  name: trimmed('Release name', 200),
  type: z.enum(RELEASE_TYPES, { error: 'Release type must be onboarding, release or hotfix' }),
  versionNumber: optionalText('Version', 50),
  releaseDate: z.preprocess(
    (value) => (value === '' || value === undefined ? null : value),
    z.coerce.date({ error: 'Release date is not a date' }).nullable(),
  ),
  description: optionalText('Description', 5000),
});

const stepType = z.enum(STEP_TYPES, { error: 'Step type must be bash, sql or text' });
const stepCategory = z.enum(STEP_CATEGORIES, { error: 'Category must be deploy or verify' });
const stepContent = z
  .string({ error: 'Content is required' })
  .max(100_000, 'Content must be at most 100000 characters')
  .refine((value) => value.trim().length > 0, 'Content is required');

export const templateStepInput = z.object({
  name: trimmed('Step name', 200),
  category: stepCategory,
  type: stepType,
  content: stepContent,
  description: optionalText('Description', 2000),
  // A form's "At the end" sends an empty string, which must not coerce to position 0.
  position: z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    z.coerce
      .number({ error: 'Position must be a number' })
      .int('Position must be a whole number')
      .min(0, 'Position must be 0 or more')
      .optional(),
  ),
});

export const templateStepEdit = z.object({
  name: trimmed('Step name', 200),
  type: stepType,
  content: stepContent,
  description: optionalText('Description', 2000),
});

export const reorderInput = z.object({
  releaseId: id,
  category: stepCategory,
  orderedIds: idList,
});

export const customStepInput = z.object({
  name: trimmed('Step name', 200),
  category: stepCategory,
  type: stepType,
  content: stepContent,
  insertPosition: z.coerce
    .number()
    .int('Position must be a whole number')
    .min(0, 'Position must be 0 or more'),
  addToTemplate: z.boolean().default(false),
});

export const customStepEdit = z.object({
  name: trimmed('Step name', 200),
  type: stepType,
  content: stepContent,
});
export const overrideInput = z.object({ content: stepContent });
export const skipReason = trimmed('A reason for skipping', 2000);
export const optionalNote = optionalText('Note', 2000);
export const noteInput = trimmed('Note', 2000);

export const operatorName = trimmed('Operator name', 80).regex(
  /^[\p{L}\p{N} ._@-]+$/u,
  'Operator name may hold letters, digits, spaces and . _ @ -',
);

export const exportFormat = z.enum(['csv', 'json'], { error: 'Format must be csv or json' });

/** Parses input or throws an InvalidInputError naming the first problem. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidInputError(result.error.issues[0]?.message ?? 'Invalid input');
}
