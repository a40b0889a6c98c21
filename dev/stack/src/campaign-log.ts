import { readFile } from 'node:fs/promises';

/** How many of a campaign's log lines each process's excerpt keeps: the last ones. */
const LINES_PER_PROCESS = 12;

/**
 * The last log lines of a campaign in each process's JSON log, shortened to what tells where it stands
 * (time, level, message, step, chunk, attempt, finished step, outcome, DIGIT call, error): what a test
 * that waited in vain for the campaign adds to its failure.
 */
export async function campaignLogExcerpt(
  logs: readonly { instance: string; logFile: string }[],
  campaignId: string,
): Promise<string> {
  const sections = await Promise.all(
    logs.map(async ({ instance, logFile }) => {
      let text: string;
      try {
        text = await readFile(logFile, 'utf8');
      } catch (error) {
        return `${instance}: log unreadable (${(error as Error).message})`;
      }
      const lines = text
        .split('\n')
        .filter((line) => line.includes(campaignId))
        .slice(-LINES_PER_PROCESS)
        .map(shortLine);
      if (lines.length === 0) return `${instance}: no line of the campaign`;
      return [
        `${instance}, last ${lines.length} lines of the campaign:`,
        ...lines.map((line) => `  ${line}`),
      ].join('\n');
    }),
  );
  return sections.join('\n');
}

function shortLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.slice(0, 300);
  }
  const error = entry.err as { type?: string; message?: string } | undefined;
  const fields = [
    entry.time,
    entry.level,
    entry.msg,
    ...['step', 'chunk', 'attempt', 'finished', 'outcome', 'digitService', 'endpoint', 'code'].map((key) =>
      entry[key] === undefined ? undefined : `${key}=${String(entry[key])}`,
    ),
    error ? `err=${error.type ?? ''}: ${error.message?.slice(0, 200) ?? ''}` : undefined,
  ];
  return fields.filter((field) => field !== undefined).join(' ');
}
