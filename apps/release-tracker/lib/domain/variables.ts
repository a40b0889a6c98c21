export const VARIABLE_NAMES = ['cluster', 'namespace', 'customer', 'version'] as const;
export type VariableName = (typeof VARIABLE_NAMES)[number];
export type VariableValues = Partial<Record<VariableName, string | null>>;

const pattern = /\{\{\s*(cluster|namespace|customer|version)\s*\}\}/g;

/** Replaces {{cluster}}, {{namespace}}, {{customer}} and {{version}}; a variable without a value stays as written. */
export function resolveVariables(content: string, values: VariableValues): string {
  return content.replace(pattern, (whole, name: VariableName) => values[name] ?? whole);
}

/** The variables the content uses that have no value, so the operator sees what is still open. */
export function unresolvedVariables(content: string, values: VariableValues): VariableName[] {
  const missing = new Set<VariableName>();
  for (const match of content.matchAll(pattern)) {
    const name = match[1] as VariableName;
    if (!values[name]) missing.add(name);
  }
  return [...missing];
}
