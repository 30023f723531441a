const LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = typeof LEVELS[number];

export interface Logger {
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

/** dockerd-like log lines on stderr: time="..." level=info msg="...". */
export function createLogger(level: Level): Logger {
  const min = LEVELS.indexOf(level);
  const at = (l: Level) => (m: string): void => {
    if (LEVELS.indexOf(l) < min) return;
    process.stderr.write(`time="${new Date().toISOString()}" level=${l} msg=${JSON.stringify(m)}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
