// One JSON line per request or applied event. Callers pass only whitelisted fields:
// never a secret, a payload or card data.
export interface LogFields {
  route?: string;
  method?: string;
  status?: number;
  ms?: number;
  eventId?: string;
  eventType?: string;
  outcome?: string;
  error?: string;
  [key: string]: string | number | boolean | null | undefined;
}

type Sink = (line: string) => void;
let sink: Sink = (line) => process.stdout.write(line + '\n');

export function log(level: 'info' | 'warn' | 'error', msg: string, fields: LogFields = {}): void {
  sink(JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields }));
}

/** Tests capture log lines through this. */
export function setLogSink(next: Sink): Sink {
  const prev = sink;
  sink = next;
  return prev;
}
