// Typed configuration read from environment variables. Each variable is declared once with a parser;
// a missing or malformed value stops the process with a message naming the variable and what it expects.

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, expectation: string, received: string | undefined) {
    const shown =
      received === undefined ? 'it is not set' : `got ${JSON.stringify(redactValue(variable, received))}`;
    super(`${variable}: expected ${expectation}, ${shown}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

function redactValue(variable: string, value: string): string {
  return /PASSWORD|SECRET|TOKEN|DATABASE_URL/.test(variable) ? '[redacted]' : value;
}

export interface Variable<T> {
  readonly expectation: string;
  /** Returns the parsed value, or undefined when the raw value is malformed. */
  readonly parse: (raw: string) => T | undefined;
  readonly fallback?: T;
  readonly optional?: boolean;
}

type Parsed<S> = {
  [K in keyof S]: S[K] extends Variable<infer T>
    ? S[K]['optional'] extends true
      ? T | undefined
      : T
    : never;
};

export function readConfig<S extends Record<string, Variable<unknown>>>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Parsed<S> {
  const result: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(schema)) {
    const raw = env[name];
    if (raw === undefined) {
      if (variable.fallback !== undefined || variable.optional) {
        result[name] = variable.fallback;
        continue;
      }
      throw new ConfigError(name, variable.expectation, undefined);
    }
    const value = variable.parse(raw);
    if (value === undefined) throw new ConfigError(name, variable.expectation, raw);
    result[name] = value;
  }
  return result as Parsed<S>;
}

export const env = {
  string(options: { fallback?: string; optional?: boolean; pattern?: RegExp } = {}): Variable<string> {
    const { pattern } = options;
    return {
      expectation: pattern ? `a string matching ${pattern}` : 'a non-empty string',
      parse: (raw) => (raw.trim() !== '' && (!pattern || pattern.test(raw)) ? raw.trim() : undefined),
      ...options,
    };
  },
  int(options: { fallback?: number; min?: number; max?: number; optional?: boolean } = {}): Variable<number> {
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    return {
      expectation: `an integer from ${min} to ${max}`,
      parse: (raw) => {
        if (!/^-?\d+$/.test(raw.trim())) return undefined;
        const value = Number(raw);
        return value >= min && value <= max ? value : undefined;
      },
      ...options,
    };
  },
  port(options: { fallback?: number; optional?: boolean } = {}): Variable<number> {
    return { ...env.int({ min: 0, max: 65535, ...options }), expectation: 'a TCP port from 0 to 65535' };
  },
  bool(options: { fallback?: boolean; optional?: boolean } = {}): Variable<boolean> {
    return {
      expectation: 'true or false',
      parse: (raw) =>
        raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : undefined,
      ...options,
    };
  },
  url(options: { fallback?: string; optional?: boolean; protocols?: string[] } = {}): Variable<string> {
    const protocols = options.protocols ?? ['http:', 'https:'];
    return {
      expectation: `a URL (${protocols.join(' or ')})`,
      parse: (raw) => {
        try {
          const url = new URL(raw.trim());
          return protocols.includes(url.protocol) ? raw.trim().replace(/\/$/, '') : undefined;
        } catch {
          return undefined;
        }
      },
      ...options,
    };
  },
  /** Comma-separated host:port list, as Kafka bootstrap servers are written. */
  hostPorts(options: { fallback?: string[]; optional?: boolean } = {}): Variable<string[]> {
    return {
      expectation: 'a comma-separated list of host:port',
      parse: (raw) => {
        const items = raw.split(',').map((item) => item.trim());
        const valid = items.every((item) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(item));
        return items.length > 0 && valid ? items : undefined;
      },
      ...options,
    };
  },
  oneOf<T extends string>(
    values: readonly T[],
    options: { fallback?: NoInfer<T>; optional?: boolean } = {},
  ): Variable<T> {
    return {
      expectation: `one of ${values.join(', ')}`,
      parse: (raw) => (values.includes(raw.trim() as T) ? (raw.trim() as T) : undefined),
      ...options,
    };
  },
};
