// The one message a service sends its supervisor (the local stack) over IPC once it has started.

export interface ServiceStartedMessage {
  type: 'service-started';
  service: string;
  pid: number;
  port: number;
}

export function serviceStarted(service: string, pid: number, port: number): ServiceStartedMessage {
  return { type: 'service-started', service, pid, port };
}

export function isServiceStartedMessage(message: unknown): message is ServiceStartedMessage {
  const candidate = message as Partial<ServiceStartedMessage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'service-started' &&
    typeof candidate.service === 'string' &&
    typeof candidate.pid === 'number' &&
    typeof candidate.port === 'number'
  );
}
