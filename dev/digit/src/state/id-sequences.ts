// The id generator's sequences (one per idName) and DIGIT's id formats: `[cy:yyyy-MM-dd]` is the current
// date in the given pattern, `[SEQ_...]` the next number of the sequence padded to six digits, `[city]` and
// `[tenantid]` the tenant.

export class IdSequences {
  private readonly sequences = new Map<string, number>();
  private start = 0;

  /** Every sequence continues after `value`: a restarted simulator need not repeat ids kept elsewhere. */
  startAfter(value: number): void {
    this.start = value;
  }

  next(name: string): number {
    const value = (this.sequences.get(name) ?? this.start) + 1;
    this.sequences.set(name, value);
    return value;
  }

  clear(): void {
    this.sequences.clear();
  }
}

const TOKEN = /\[([^\]]+)\]/g;

export function formatId(format: string, sequence: () => number, tenantId: string, now: Date): string {
  return format.replace(TOKEN, (whole, token: string) => {
    const lower = token.toLowerCase();
    if (lower.startsWith('cy:')) return formatDate(token.slice(3), now);
    if (lower.startsWith('fy:')) return formatDate(token.slice(3), now);
    if (lower.startsWith('seq_')) return String(sequence()).padStart(6, '0');
    if (lower === 'city' || lower === 'tenantid' || lower === 'tenant_id') return tenantId.toUpperCase();
    return whole;
  });
}

/** The Java date pattern letters DIGIT formats use: yyyy, yy, MM, dd, HH, mm, ss. */
export function formatDate(pattern: string, date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const parts: Record<string, string> = {
    yyyy: String(date.getUTCFullYear()),
    yy: pad(date.getUTCFullYear() % 100),
    MM: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return pattern.replace(/yyyy|yy|MM|dd|HH|mm|ss/g, (letters) => parts[letters] ?? letters);
}
